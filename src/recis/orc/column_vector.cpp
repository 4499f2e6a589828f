#include "recis/orc/column_vector.h"

namespace recis::orc {
namespace {

constexpr std::uint32_t kMaxDecimal64Precision = 18;

}  // namespace

void ColumnVector::clear() {
  num_rows = 0;
  present.clear();
}

void ColumnVector::append_presence(bool has_value) {
  if (!has_value) {
    present.resize(num_rows, 1);
    present.push_back(0);
  } else if (!present.empty()) {
    present.push_back(1);
  }
  ++num_rows;
}

void LongVector::clear() {
  ColumnVector::clear();
  values.clear();
}

void DoubleVector::clear() {
  ColumnVector::clear();
  values.clear();
}

void BytesVector::clear() {
  ColumnVector::clear();
  offsets.assign(1, 0);
  bytes.clear();
}

void Decimal64Vector::clear() {
  ColumnVector::clear();
  values.clear();
}

void Decimal128Vector::clear() {
  ColumnVector::clear();
  values.clear();
}

void TimestampVector::clear() {
  ColumnVector::clear();
  seconds.clear();
  nanos.clear();
}

void ListVector::clear() {
  ColumnVector::clear();
  offsets.assign(1, 0);
  elements->clear();
}

void MapVector::clear() {
  ColumnVector::clear();
  offsets.assign(1, 0);
  keys->clear();
  values->clear();
}

void StructVector::clear() {
  ColumnVector::clear();
  for (auto& field : fields) field->clear();
}

void UnionVector::clear() {
  ColumnVector::clear();
  tags.clear();
  child_rows.clear();
  for (auto& child : children) child->clear();
}

std::unique_ptr<ColumnVector> make_column_vector(const Type& type) {
  const TypeKind kind = type.kind();
  switch (kind) {
    case TypeKind::Boolean:
    case TypeKind::Byte:
    case TypeKind::Short:
    case TypeKind::Int:
    case TypeKind::Long:
    case TypeKind::Date:
      return std::make_unique<LongVector>(kind);
    case TypeKind::Float:
    case TypeKind::Double:
      return std::make_unique<DoubleVector>(kind);
    case TypeKind::String:
    case TypeKind::Binary:
    case TypeKind::Varchar:
    case TypeKind::Char:
      return std::make_unique<BytesVector>(kind);
    case TypeKind::Decimal:
      if (type.precision() <= kMaxDecimal64Precision) {
        return std::make_unique<Decimal64Vector>(type.precision(), type.scale());
      }
      return std::make_unique<Decimal128Vector>(type.precision(), type.scale());
    case TypeKind::Timestamp:
    case TypeKind::TimestampInstant:
      return std::make_unique<TimestampVector>(kind);
    case TypeKind::List: {
      auto vector = std::make_unique<ListVector>(kind);
      vector->elements = make_column_vector(type.child(0));
      return vector;
    }
    case TypeKind::Map: {
      auto vector = std::make_unique<MapVector>(kind);
      vector->keys = make_column_vector(type.child(0));
      vector->values = make_column_vector(type.child(1));
      return vector;
    }
    case TypeKind::Struct: {
      auto vector = std::make_unique<StructVector>(kind);
      for (const auto& field : type.children()) vector->fields.push_back(make_column_vector(field));
      return vector;
    }
    case TypeKind::Union: {
      auto vector = std::make_unique<UnionVector>(kind);
      for (const auto& child : type.children()) vector->children.push_back(make_column_vector(child));
      return vector;
    }
  }
  return nullptr;
}

}  // namespace recis::orc

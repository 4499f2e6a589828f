#include "recis/orc/type_proto.h"

#include <string>
#include <utility>
#include <vector>

#include "recis/orc/format_error.h"

namespace recis::orc {
namespace {

constexpr int kMaxTypeDepth = 200;
constexpr std::uint32_t kMaxDecimalPrecision = 38;

class FlatTypeConverter {
 public:
  explicit FlatTypeConverter(const google::protobuf::RepeatedPtrField<proto::Type>& types)
      : types_(types) {}

  Type convert() {
    if (types_.empty()) throw FormatError("footer has no types (expected at least the root)");
    Type root = convert_node(0, 0);
    if (next_id_ != static_cast<std::uint32_t>(types_.size())) {
      throw FormatError("footer lists " + std::to_string(types_.size()) +
                        " types but the schema tree reaches only " + std::to_string(next_id_));
    }
    return root;
  }

 private:
  [[noreturn]] void fail(std::uint32_t id, const std::string& what) const {
    throw FormatError("footer type of column " + std::to_string(id) + ": " + what);
  }

  Type convert_node(std::uint32_t id, int depth) {
    if (depth > kMaxTypeDepth) fail(id, "types nested deeper than " + std::to_string(kMaxTypeDepth));
    if (id >= static_cast<std::uint32_t>(types_.size())) fail(id, "child id past the type list");
    next_id_ = id + 1;
    const proto::Type& node = types_.Get(static_cast<int>(id));
    const auto kind = static_cast<TypeKind>(node.kind());
    std::vector<Type> children;
    if (!is_primitive(kind)) {
      for (std::uint32_t child_id : node.subtypes()) {
        if (child_id != next_id_) {
          fail(id, "child id " + std::to_string(child_id) + " is not the next pre-order id " +
                       std::to_string(next_id_));
        }
        children.push_back(convert_node(child_id, depth + 1));
      }
    } else if (node.subtypes_size() != 0) {
      fail(id, "primitive type " + std::string(type_kind_name(kind)) + " has children");
    }
    switch (kind) {
      case TypeKind::List:
        if (children.size() != 1) fail(id, "list needs 1 child, has " + std::to_string(children.size()));
        return Type::list(std::move(children[0]));
      case TypeKind::Map:
        if (children.size() != 2) fail(id, "map needs 2 children, has " + std::to_string(children.size()));
        return Type::map(std::move(children[0]), std::move(children[1]));
      case TypeKind::Struct: {
        std::vector<std::string> names(node.field_names().begin(), node.field_names().end());
        if (names.size() != children.size()) {
          fail(id, "struct has " + std::to_string(children.size()) + " children but " +
                       std::to_string(names.size()) + " field names");
        }
        return Type::struct_type(std::move(names), std::move(children));
      }
      case TypeKind::Union:
        if (children.empty() || children.size() > 256) {
          fail(id, "union needs 1..256 children, has " + std::to_string(children.size()));
        }
        return Type::union_type(std::move(children));
      case TypeKind::Decimal: {
        if (!node.has_precision() || node.precision() == 0) {
          return Type::decimal(kMaxDecimalPrecision, Type::kHive11DecimalScale);
        }
        if (node.precision() > kMaxDecimalPrecision || node.scale() > node.precision()) {
          fail(id, "decimal(" + std::to_string(node.precision()) + "," +
                       std::to_string(node.scale()) + ") is out of range (precision 1..38)");
        }
        return Type::decimal(node.precision(), node.scale());
      }
      case TypeKind::Varchar:
        return Type::varchar(node.maximum_length());
      case TypeKind::Char:
        return Type::char_type(node.maximum_length());
      case TypeKind::Boolean:
      case TypeKind::Byte:
      case TypeKind::Short:
      case TypeKind::Int:
      case TypeKind::Long:
      case TypeKind::Float:
      case TypeKind::Double:
      case TypeKind::String:
      case TypeKind::Binary:
      case TypeKind::Timestamp:
      case TypeKind::Date:
      case TypeKind::TimestampInstant:
        return Type(kind);
    }
    fail(id, "unknown type kind " + std::to_string(static_cast<int>(node.kind())));
  }

  const google::protobuf::RepeatedPtrField<proto::Type>& types_;
  std::uint32_t next_id_ = 0;
};

}  // namespace

Type type_from_proto(const google::protobuf::RepeatedPtrField<proto::Type>& types) {
  return FlatTypeConverter(types).convert();
}

void type_to_proto(const Type& type, google::protobuf::RepeatedPtrField<proto::Type>* types) {
  proto::Type* node = types->Add();
  node->set_kind(static_cast<proto::Type::Kind>(type.kind()));
  for (const auto& child : type.children()) node->add_subtypes(child.column_id());
  for (const auto& name : type.field_names()) node->add_field_names(name);
  if (type.kind() == TypeKind::Decimal) {
    node->set_precision(type.precision());
    node->set_scale(type.scale());
  }
  if (type.kind() == TypeKind::Varchar || type.kind() == TypeKind::Char) {
    node->set_maximum_length(type.max_length());
  }
  for (const auto& child : type.children()) type_to_proto(child, types);
}

}  // namespace recis::orc

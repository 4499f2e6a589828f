#include "recis/io/column_decoder.h"

#include <algorithm>

#include "recis/common/error.h"

namespace recis::io {
namespace {

using orc::TypeKind;

bool is_integer(TypeKind kind) {
  return kind == TypeKind::Boolean || kind == TypeKind::Byte || kind == TypeKind::Short ||
         kind == TypeKind::Int || kind == TypeKind::Long;
}
bool is_floating(TypeKind kind) { return kind == TypeKind::Float || kind == TypeKind::Double; }
bool is_string(TypeKind kind) {
  return kind == TypeKind::String || kind == TypeKind::Varchar || kind == TypeKind::Char ||
         kind == TypeKind::Binary;
}
bool is_number(TypeKind kind) { return is_integer(kind) || is_floating(kind); }
bool is_leaf(TypeKind kind) { return is_number(kind) || is_string(kind); }

bool is_weighted_entry(const orc::Type& type) {
  return type.kind() == TypeKind::Struct && type.num_children() == 2 &&
         (is_integer(type.child(0).kind()) || is_string(type.child(0).kind())) && is_number(type.child(1).kind());
}

// The value type a varlen column's lists hold (the leaf, or the struct's id field).
const orc::Type& varlen_leaf(const orc::Type& type) {
  const orc::Type* node = &type;
  while (node->kind() == TypeKind::List) node = &node->child(0);
  return node->kind() == TypeKind::Struct ? node->child(0) : *node;
}

double number_at(const orc::ColumnVector& vector, std::size_t row) {
  if (vector.kind == TypeKind::Float || vector.kind == TypeKind::Double) {
    return static_cast<const orc::DoubleVector&>(vector).values[row];
  }
  return static_cast<double>(static_cast<const orc::LongVector&>(vector).values[row]);
}

// Appends the non-null values of rows [begin, end) of a leaf vector.
void append_leaf(const ColumnSpec& spec, const orc::ColumnVector& leaf, std::size_t begin, std::size_t end,
                 DecodedColumn& out) {
  if (is_floating(leaf.kind)) {
    const auto& values = static_cast<const orc::DoubleVector&>(leaf).values;
    for (std::size_t i = begin; i < end; ++i) {
      if (!leaf.is_null(i)) out.reals.push_back(values[i]);
    }
  } else if (is_string(leaf.kind) && out.byte_strings) {
    const auto& strings = static_cast<const orc::BytesVector&>(leaf);
    for (std::size_t i = begin; i < end; ++i) {
      if (leaf.is_null(i)) continue;
      const std::string_view value = strings.value(i);
      out.bytes.insert(out.bytes.end(), value.begin(), value.end());
      out.string_ends.push_back(static_cast<std::int64_t>(out.bytes.size()));
    }
  } else if (is_string(leaf.kind)) {
    const auto& strings = static_cast<const orc::BytesVector&>(leaf);
    for (std::size_t i = begin; i < end; ++i) {
      if (!leaf.is_null(i)) out.ids.push_back(hash_to_id(spec.hash, strings.value(i), spec.bucket));
    }
  } else if (!leaf.has_nulls()) {
    const auto& values = static_cast<const orc::LongVector&>(leaf).values;
    out.ids.insert(out.ids.end(), values.begin() + static_cast<std::ptrdiff_t>(begin),
                   values.begin() + static_cast<std::ptrdiff_t>(end));
  } else {
    const auto& values = static_cast<const orc::LongVector&>(leaf).values;
    for (std::size_t i = begin; i < end; ++i) {
      if (!leaf.is_null(i)) out.ids.push_back(values[i]);
    }
  }
}

// Appends the entries [begin, end) of a struct<id,weight> vector; entries without an id are
// dropped, a null weight counts as 1.
void append_weighted(const ColumnSpec& spec, const orc::StructVector& entries, std::size_t begin,
                     std::size_t end, DecodedColumn& out) {
  const orc::ColumnVector& ids = *entries.fields[0];
  const orc::ColumnVector& weights = *entries.fields[1];
  for (std::size_t i = begin; i < end; ++i) {
    if (entries.is_null(i) || ids.is_null(i)) continue;
    append_leaf(spec, ids, i, i + 1, out);
    out.weights.push_back(weights.is_null(i) ? 1.0f : static_cast<float>(number_at(weights, i)));
  }
}

// The offsets levels and values of a varlen column (decode_varlen adds the bytes level).
void decode_varlen_levels(const ColumnSpec& spec, orc::ColumnVector& vector, std::size_t rows,
                          DecodedColumn& out) {
  if (vector.kind != TypeKind::List) {  // a scalar: one value per row, null = empty
    out.offsets.resize(1);
    auto& row_offsets = out.offsets[0];
    row_offsets.reserve(rows + 1);
    row_offsets.push_back(0);
    for (std::size_t i = 0; i < rows; ++i) {
      append_leaf(spec, vector, i, i + 1, out);
      row_offsets.push_back(static_cast<std::int64_t>(out.num_values()));
    }
    return;
  }

  auto& list = static_cast<orc::ListVector&>(vector);
  orc::ColumnVector& elements = *list.elements;
  if (elements.kind == TypeKind::List) {  // list<list<leaf>>: 3 levels
    const auto& inner = static_cast<const orc::ListVector&>(elements);
    out.offsets.resize(2);
    auto& row_offsets = out.offsets[0];
    auto& list_offsets = out.offsets[1];
    row_offsets.reserve(rows + 1);
    row_offsets.push_back(0);
    list_offsets.push_back(0);
    for (std::size_t i = 0; i < rows; ++i) {
      if (!list.is_null(i)) {
        for (auto j = static_cast<std::size_t>(list.offsets[i]); j < static_cast<std::size_t>(list.offsets[i + 1]); ++j) {
          if (!inner.is_null(j)) {
            append_leaf(spec, *inner.elements, static_cast<std::size_t>(inner.offsets[j]),
                        static_cast<std::size_t>(inner.offsets[j + 1]), out);
          }
          list_offsets.push_back(static_cast<std::int64_t>(out.num_values()));
        }
      }
      row_offsets.push_back(static_cast<std::int64_t>(list_offsets.size() - 1));
    }
    return;
  }

  out.offsets.resize(1);
  const bool integer_ids = elements.kind != TypeKind::Struct && is_integer(elements.kind);
  if (integer_ids && !list.has_nulls() && !elements.has_nulls() && list.offsets.size() == rows + 1) {
    // Nothing to convert: copy the buffers whole (the reader keeps its capacity for the next chunk).
    const auto& values = static_cast<const orc::LongVector&>(elements).values;
    out.ids.assign(values.begin(), values.begin() + list.offsets.back());
    out.offsets[0] = list.offsets;
    return;
  }
  auto& row_offsets = out.offsets[0];
  row_offsets.reserve(rows + 1);
  row_offsets.push_back(0);
  for (std::size_t i = 0; i < rows; ++i) {
    if (!list.is_null(i)) {
      const auto begin = static_cast<std::size_t>(list.offsets[i]);
      const auto end = static_cast<std::size_t>(list.offsets[i + 1]);
      if (out.weighted) {
        append_weighted(spec, static_cast<const orc::StructVector&>(elements), begin, end, out);
      } else {
        append_leaf(spec, elements, begin, end, out);
      }
    }
    row_offsets.push_back(static_cast<std::int64_t>(out.num_values()));
  }
}

DecodedColumn decode_varlen(const ColumnSpec& spec, orc::ColumnVector& vector, std::size_t rows) {
  DecodedColumn out;
  const TypeKind leaf_kind = [&] {
    const orc::ColumnVector* node = &vector;
    while (node->kind == TypeKind::List) node = static_cast<const orc::ListVector*>(node)->elements.get();
    if (node->kind == TypeKind::Struct) {
      out.weighted = true;
      return static_cast<const orc::StructVector*>(node)->fields[0]->kind;
    }
    return node->kind;
  }();
  out.floating = is_floating(leaf_kind);
  out.byte_strings = is_string(leaf_kind) && spec.hash == HashKind::None;
  if (out.byte_strings) out.string_ends.push_back(0);
  decode_varlen_levels(spec, vector, rows, out);
  if (out.byte_strings) out.offsets.push_back(std::move(out.string_ends));
  return out;
}

DecodedColumn decode_fixedlen(const ColumnSpec& spec, orc::ColumnVector& vector, std::size_t rows,
                              const std::string& file, std::uint64_t first_row) {
  DecodedColumn out;
  out.floating = true;
  const std::size_t dim = spec.dim();
  if (vector.kind != TypeKind::List) {  // a scalar number, dim 1
    out.reals.resize(rows);
    for (std::size_t i = 0; i < rows; ++i) out.reals[i] = vector.is_null(i) ? spec.default_value[0] : number_at(vector, i);
    return out;
  }
  auto& list = static_cast<orc::ListVector&>(vector);
  orc::ColumnVector& elements = *list.elements;
  const auto& offsets = list.offsets;
  const bool all_full = !list.has_nulls() && !elements.has_nulls() && offsets.size() == rows + 1 &&
                        offsets.back() == static_cast<std::int64_t>(rows * dim) &&
                        std::adjacent_find(offsets.begin(), offsets.end(), [dim](std::int64_t a, std::int64_t b) {
                          return b - a != static_cast<std::int64_t>(dim);
                        }) == offsets.end();
  if (all_full && elements.kind == TypeKind::Double) {
    const auto& values = static_cast<const orc::DoubleVector&>(elements).values;
    out.reals.assign(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rows * dim));
    return out;
  }
  out.reals.resize(rows * dim);
  for (std::size_t i = 0; i < rows; ++i) {
    double* row = out.reals.data() + i * dim;
    const std::int64_t length = list.is_null(i) ? 0 : offsets[i + 1] - offsets[i];
    if (length == 0) {
      std::copy(spec.default_value.begin(), spec.default_value.end(), row);
    } else if (length == static_cast<std::int64_t>(dim)) {
      const auto begin = static_cast<std::size_t>(offsets[i]);
      for (std::size_t k = 0; k < dim; ++k) {
        row[k] = elements.is_null(begin + k) ? spec.default_value[k] : number_at(elements, begin + k);
      }
    } else {
      throw Error("orc dataset: file " + file + ", row " + std::to_string(first_row + i) + ", fixedlen column '" +
                  spec.name + "' has " + std::to_string(length) + " values; expected " + std::to_string(dim) +
                  " (the default's size) or none");
    }
  }
  return out;
}

}  // namespace

void check_column_type(const ColumnSpec& spec, const orc::Type& type, const std::string& file) {
  const std::string where = "orc dataset: file " + file + ", column '" + spec.name + "' is " + type.to_string();
  if (spec.kind == ColumnKind::FixedLen) {
    if (is_number(type.kind())) {
      if (spec.dim() != 1) {
        throw ConfigError(where + ", a scalar; its fixedlen default must have 1 value, not " +
                          std::to_string(spec.dim()));
      }
      return;
    }
    if (type.kind() == TypeKind::List && is_number(type.child(0).kind())) return;
    throw ConfigError(where + "; a fixedlen column must be a number or a list of numbers");
  }
  const bool fits = is_leaf(type.kind()) ||
                    (type.kind() == TypeKind::List &&
                     (is_leaf(type.child(0).kind()) || is_weighted_entry(type.child(0)) ||
                      (type.child(0).kind() == TypeKind::List && is_leaf(type.child(0).child(0).kind()))));
  if (!fits) {
    throw ConfigError(where + "; a varlen column must be a number or string, list<x>, list<list<x>> or "
                              "list<struct<id,weight>>");
  }
  const orc::Type* entry = &type;
  while (entry->kind() == TypeKind::List) entry = &entry->child(0);
  if (entry->kind() == TypeKind::Struct && is_string(varlen_leaf(type).kind()) &&
      spec.hash == HashKind::None) {
    throw ConfigError(where + ", weighted string ids; declare their hash (farm or murmur)");
  }
}

DecodedColumn decode_column(const ColumnSpec& spec, orc::ColumnVector& vector, std::size_t rows,
                            const std::string& file, std::uint64_t first_row) {
  if (spec.kind == ColumnKind::FixedLen) return decode_fixedlen(spec, vector, rows, file, first_row);
  return decode_varlen(spec, vector, rows);
}

}  // namespace recis::io

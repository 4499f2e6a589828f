// recis::orc::Type: the schema of an ORC file as a tree (struct<a:int,b:array<string>>), with
// the ORC column ids (pre-order, root 0) that name its streams. Parsed from and printed as Hive
// type strings; converted to and from the footer's flat type list by type_proto.h.
// Used by the reader (schema, projection), the writer (schema from a string) and the CLI.
// Thread-safety: an immutable value once built; copies are independent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace recis::orc {

// In the order of the ORC footer's Type.Kind enum (the numeric values match the file format).
enum class TypeKind : std::uint8_t {
  Boolean = 0,
  Byte = 1,
  Short = 2,
  Int = 3,
  Long = 4,
  Float = 5,
  Double = 6,
  String = 7,
  Binary = 8,
  Timestamp = 9,
  List = 10,
  Map = 11,
  Struct = 12,
  Union = 13,
  Decimal = 14,
  Date = 15,
  Varchar = 16,
  Char = 17,
  TimestampInstant = 18,
};

// "boolean", "tinyint", ..., "array", "map", "struct", "uniontype", "decimal", ...
std::string_view type_kind_name(TypeKind kind);
bool is_primitive(TypeKind kind);

class Type {
 public:
  static constexpr std::uint32_t kDefaultDecimalPrecision = 38;
  // Hive 0.11 wrote decimals without precision/scale; they are read with this scale.
  static constexpr std::uint32_t kHive11DecimalScale = 6;

  // A primitive kind (not list/map/struct/union; decimal gets precision 38, scale 6).
  explicit Type(TypeKind kind);

  static Type decimal(std::uint32_t precision, std::uint32_t scale);
  static Type varchar(std::uint32_t max_length);
  static Type char_type(std::uint32_t max_length);
  static Type list(Type element);
  static Type map(Type key, Type value);
  static Type struct_type(std::vector<std::string> field_names, std::vector<Type> fields);
  static Type union_type(std::vector<Type> alternatives);

  // Parses a Hive type string such as "struct<a:int,b:array<string>,c:decimal(18,4),
  // d:map<string,double>,e:uniontype<int,string>>" ("list" is accepted for "array", field names
  // may be `quoted`). Throws recis::ConfigError naming the position and what was expected.
  static Type parse(std::string_view text);

  // The Hive type string; parse(to_string()) == *this.
  std::string to_string() const;

  TypeKind kind() const { return kind_; }
  const std::vector<Type>& children() const { return children_; }
  const Type& child(std::size_t index) const { return children_.at(index); }
  std::size_t num_children() const { return children_.size(); }
  // Struct field names, one per child (empty for other kinds).
  const std::vector<std::string>& field_names() const { return field_names_; }
  std::uint32_t precision() const { return precision_; }
  std::uint32_t scale() const { return scale_; }
  std::uint32_t max_length() const { return max_length_; }

  // This node's ORC column id and the largest id in its subtree (pre-order numbering).
  std::uint32_t column_id() const { return column_id_; }
  std::uint32_t max_column_id() const { return max_column_id_; }
  // Columns in the whole tree (max_column_id() + 1 for the root).
  std::uint32_t num_columns() const { return max_column_id_ - column_id_ + 1; }

  // The struct field named `name`, or nullptr.
  const Type* find_field(std::string_view name) const;
  // The node with this column id in the subtree, or nullptr.
  const Type* find_column(std::uint32_t column_id) const;

  bool operator==(const Type& other) const;

 private:
  // Renumbers this subtree in pre-order starting at `first_id`; returns the next free id.
  std::uint32_t assign_column_ids(std::uint32_t first_id);
  void append_to(std::string& out) const;

  TypeKind kind_;
  std::vector<Type> children_;
  std::vector<std::string> field_names_;
  std::uint32_t precision_ = 0;
  std::uint32_t scale_ = 0;
  std::uint32_t max_length_ = 0;
  std::uint32_t column_id_ = 0;
  std::uint32_t max_column_id_ = 0;
};

}  // namespace recis::orc

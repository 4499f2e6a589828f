#include "recis/orc/type.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "recis/common/error.h"

namespace recis::orc {
namespace {

constexpr std::uint32_t kMaxDecimalPrecision = 38;
constexpr std::string_view kTimestampInstantName = "timestamp with local time zone";

struct KindName {
  TypeKind kind;
  std::string_view name;
};

constexpr KindName kKindNames[] = {
    {TypeKind::Boolean, "boolean"},     {TypeKind::Byte, "tinyint"},
    {TypeKind::Short, "smallint"},      {TypeKind::Int, "int"},
    {TypeKind::Long, "bigint"},         {TypeKind::Float, "float"},
    {TypeKind::Double, "double"},       {TypeKind::String, "string"},
    {TypeKind::Binary, "binary"},       {TypeKind::Timestamp, "timestamp"},
    {TypeKind::List, "array"},          {TypeKind::Map, "map"},
    {TypeKind::Struct, "struct"},       {TypeKind::Union, "uniontype"},
    {TypeKind::Decimal, "decimal"},     {TypeKind::Date, "date"},
    {TypeKind::Varchar, "varchar"},     {TypeKind::Char, "char"},
    {TypeKind::TimestampInstant, kTimestampInstantName},
};

bool is_plain_field_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// Recursive-descent parser over a Hive type string; every error names the offset.
class TypeParser {
 public:
  explicit TypeParser(std::string_view text) : text_(text) {}

  Type parse_all() {
    Type type = parse_type(0);
    skip_spaces();
    if (pos_ != text_.size()) fail("unexpected text after the type");
    return type;
  }

 private:
  static constexpr int kMaxDepth = 200;

  [[noreturn]] void fail(const std::string& what) const {
    throw ConfigError("bad ORC type '" + std::string(text_) + "' at offset " +
                      std::to_string(pos_) + ": " + what);
  }

  void skip_spaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool accept(char c) {
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void expect(char c) {
    if (!accept(c)) fail(std::string("expected '") + c + "'");
  }

  std::string word() {
    skip_spaces();
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    std::string out(text_.substr(start, pos_ - start));
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
  }

  std::uint32_t number() {
    skip_spaces();
    const std::size_t start = pos_;
    std::uint64_t value = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      value = value * 10 + static_cast<std::uint64_t>(text_[pos_] - '0');
      if (value > 0xFFFFFFFFull) fail("number too large");
      ++pos_;
    }
    if (pos_ == start) fail("expected a number");
    return static_cast<std::uint32_t>(value);
  }

  std::string field_name() {
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == '`') {
      ++pos_;
      std::string name;
      while (true) {
        if (pos_ >= text_.size()) fail("unterminated `quoted` field name");
        const char c = text_[pos_++];
        if (c == '`') {
          if (pos_ < text_.size() && text_[pos_] == '`') {
            name.push_back('`');
            ++pos_;
            continue;
          }
          return name;
        }
        name.push_back(c);
      }
    }
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    if (pos_ == start) fail("expected a field name");
    return std::string(text_.substr(start, pos_ - start));
  }

  // Accepts " with local time zone" after "timestamp".
  bool accept_instant_suffix() {
    const std::size_t saved = pos_;
    for (std::string_view expected : {"with", "local", "time", "zone"}) {
      if (word() != expected) {
        pos_ = saved;
        return false;
      }
    }
    return true;
  }

  std::uint32_t length_argument() {
    expect('(');
    const std::uint32_t length = number();
    expect(')');
    return length;
  }

  Type parse_type(int depth) {
    if (depth > kMaxDepth) fail("type nested too deeply");
    const std::size_t start = pos_;
    const std::string name = word();
    if (name.empty()) fail("expected a type name");
    if (name == "array" || name == "list") {
      expect('<');
      Type element = parse_type(depth + 1);
      expect('>');
      return Type::list(std::move(element));
    }
    if (name == "map") {
      expect('<');
      Type key = parse_type(depth + 1);
      expect(',');
      Type value = parse_type(depth + 1);
      expect('>');
      return Type::map(std::move(key), std::move(value));
    }
    if (name == "struct") {
      expect('<');
      std::vector<std::string> names;
      std::vector<Type> fields;
      if (!accept('>')) {
        do {
          names.push_back(field_name());
          expect(':');
          fields.push_back(parse_type(depth + 1));
        } while (accept(','));
        expect('>');
      }
      return Type::struct_type(std::move(names), std::move(fields));
    }
    if (name == "uniontype") {
      expect('<');
      std::vector<Type> alternatives;
      do {
        alternatives.push_back(parse_type(depth + 1));
      } while (accept(','));
      expect('>');
      return Type::union_type(std::move(alternatives));
    }
    if (name == "decimal") {
      if (!accept('(')) return Type::decimal(kMaxDecimalPrecision, Type::kHive11DecimalScale);
      const std::uint32_t precision = number();
      expect(',');
      const std::uint32_t scale = number();
      expect(')');
      try {
        return Type::decimal(precision, scale);
      } catch (const ConfigError& e) {
        fail(e.what());
      }
    }
    if (name == "varchar") return Type::varchar(length_argument());
    if (name == "char") return Type::char_type(length_argument());
    if (name == "timestamp" && accept_instant_suffix()) return Type(TypeKind::TimestampInstant);
    for (const auto& entry : kKindNames) {
      if (entry.name == name && is_primitive(entry.kind) && entry.kind != TypeKind::Decimal &&
          entry.kind != TypeKind::Varchar && entry.kind != TypeKind::Char) {
        return Type(entry.kind);
      }
    }
    pos_ = start;
    fail("unknown type name '" + name + "'");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string_view type_kind_name(TypeKind kind) {
  for (const auto& entry : kKindNames) {
    if (entry.kind == kind) return entry.name;
  }
  return "unknown";
}

bool is_primitive(TypeKind kind) {
  return kind != TypeKind::List && kind != TypeKind::Map && kind != TypeKind::Struct &&
         kind != TypeKind::Union;
}

Type::Type(TypeKind kind) : kind_(kind) {
  if (!is_primitive(kind)) {
    throw ConfigError("orc::Type(" + std::string(type_kind_name(kind)) +
                      ") needs children; use Type::list/map/struct_type/union_type");
  }
  if (kind == TypeKind::Decimal) {
    precision_ = kMaxDecimalPrecision;
    scale_ = kHive11DecimalScale;
  }
}

Type Type::decimal(std::uint32_t precision, std::uint32_t scale) {
  if (precision < 1 || precision > kMaxDecimalPrecision || scale > precision) {
    throw ConfigError("decimal(" + std::to_string(precision) + "," + std::to_string(scale) +
                      "): precision must be 1..38 and scale at most the precision");
  }
  Type type(TypeKind::Decimal);
  type.precision_ = precision;
  type.scale_ = scale;
  return type;
}

Type Type::varchar(std::uint32_t max_length) {
  Type type(TypeKind::Varchar);
  type.max_length_ = max_length;
  return type;
}

Type Type::char_type(std::uint32_t max_length) {
  Type type(TypeKind::Char);
  type.max_length_ = max_length;
  return type;
}

Type Type::list(Type element) {
  Type type(TypeKind::Boolean);
  type.kind_ = TypeKind::List;
  type.children_.push_back(std::move(element));
  type.assign_column_ids(0);
  return type;
}

Type Type::map(Type key, Type value) {
  Type type(TypeKind::Boolean);
  type.kind_ = TypeKind::Map;
  type.children_.push_back(std::move(key));
  type.children_.push_back(std::move(value));
  type.assign_column_ids(0);
  return type;
}

Type Type::struct_type(std::vector<std::string> field_names, std::vector<Type> fields) {
  if (field_names.size() != fields.size()) {
    throw ConfigError("struct type: " + std::to_string(field_names.size()) + " names for " +
                      std::to_string(fields.size()) + " fields");
  }
  Type type(TypeKind::Boolean);
  type.kind_ = TypeKind::Struct;
  type.field_names_ = std::move(field_names);
  type.children_ = std::move(fields);
  type.assign_column_ids(0);
  return type;
}

Type Type::union_type(std::vector<Type> alternatives) {
  if (alternatives.empty() || alternatives.size() > 256) {
    throw ConfigError("uniontype needs 1..256 alternatives, got " +
                      std::to_string(alternatives.size()));
  }
  Type type(TypeKind::Boolean);
  type.kind_ = TypeKind::Union;
  type.children_ = std::move(alternatives);
  type.assign_column_ids(0);
  return type;
}

Type Type::parse(std::string_view text) { return TypeParser(text).parse_all(); }

std::uint32_t Type::assign_column_ids(std::uint32_t first_id) {
  column_id_ = first_id;
  std::uint32_t next = first_id + 1;
  for (auto& child : children_) next = child.assign_column_ids(next);
  max_column_id_ = next - 1;
  return next;
}

void Type::append_to(std::string& out) const {
  switch (kind_) {
    case TypeKind::Decimal:
      out += "decimal(" + std::to_string(precision_) + "," + std::to_string(scale_) + ")";
      return;
    case TypeKind::Varchar:
    case TypeKind::Char:
      out += std::string(type_kind_name(kind_)) + "(" + std::to_string(max_length_) + ")";
      return;
    case TypeKind::List:
    case TypeKind::Map:
    case TypeKind::Union:
    case TypeKind::Struct:
      out += type_kind_name(kind_);
      out += '<';
      for (std::size_t i = 0; i < children_.size(); ++i) {
        if (i > 0) out += ',';
        if (kind_ == TypeKind::Struct) {
          const std::string& name = field_names_[i];
          if (is_plain_field_name(name)) {
            out += name;
          } else {
            out += '`';
            for (char c : name) out += c == '`' ? std::string("``") : std::string(1, c);
            out += '`';
          }
          out += ':';
        }
        children_[i].append_to(out);
      }
      out += '>';
      return;
    default:
      out += type_kind_name(kind_);
  }
}

std::string Type::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

const Type* Type::find_field(std::string_view name) const {
  for (std::size_t i = 0; i < field_names_.size(); ++i) {
    if (field_names_[i] == name) return &children_[i];
  }
  return nullptr;
}

const Type* Type::find_column(std::uint32_t column_id) const {
  if (column_id < column_id_ || column_id > max_column_id_) return nullptr;
  if (column_id == column_id_) return this;
  for (const auto& child : children_) {
    if (const Type* found = child.find_column(column_id)) return found;
  }
  return nullptr;
}

bool Type::operator==(const Type& other) const {
  return kind_ == other.kind_ && precision_ == other.precision_ && scale_ == other.scale_ &&
         max_length_ == other.max_length_ && field_names_ == other.field_names_ &&
         children_ == other.children_;
}

}  // namespace recis::orc

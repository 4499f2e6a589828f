#include "recis/orc/projection.h"

#include "recis/common/error.h"

namespace recis::orc {
namespace {

void select_subtree(const Type& type, std::vector<bool>& selected) {
  for (std::uint32_t id = type.column_id(); id <= type.max_column_id(); ++id) selected[id] = true;
}

std::string field_list(const Type& type) {
  std::string out;
  for (const auto& name : type.field_names()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

void select_path(const Type& schema, const std::string& path, std::vector<bool>& selected) {
  const Type* node = &schema;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string name = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (node->kind() != TypeKind::Struct) {
      throw ConfigError("column '" + path + "': '" + name + "' is inside a " +
                        node->to_string() + ", not a struct");
    }
    const Type* field = node->find_field(name);
    if (field == nullptr) {
      throw ConfigError("column '" + path + "': no field '" + name + "' (fields: " +
                        field_list(*node) + ")");
    }
    selected[node->column_id()] = true;
    node = field;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  select_subtree(*node, selected);
}

Type projected_type(const Type& type, const std::vector<bool>& selected) {
  if (type.kind() != TypeKind::Struct) return type;
  bool whole = true;
  for (std::uint32_t id = type.column_id(); id <= type.max_column_id(); ++id) whole = whole && selected[id];
  if (whole) return type;
  std::vector<std::string> names;
  std::vector<Type> fields;
  for (std::size_t i = 0; i < type.num_children(); ++i) {
    const Type& field = type.child(i);
    if (!selected[field.column_id()]) continue;
    names.push_back(type.field_names()[i]);
    fields.push_back(projected_type(field, selected));
  }
  return Type::struct_type(std::move(names), std::move(fields));
}

}  // namespace

Projection project(const Type& schema, const std::vector<std::string>& columns) {
  Projection projection;
  projection.selected.assign(schema.num_columns(), columns.empty());
  if (columns.empty()) {
    projection.type = schema;
    return projection;
  }
  if (schema.kind() != TypeKind::Struct) {
    throw ConfigError("cannot select columns: the file's root type is " + schema.to_string() +
                      ", not a struct");
  }
  for (const auto& column : columns) select_path(schema, column, projection.selected);
  projection.type = projected_type(schema, projection.selected);
  return projection;
}

}  // namespace recis::orc

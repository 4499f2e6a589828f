// Projection: which file columns a reader decodes, from names and dotted struct paths
// ("a", "b.c"). Selecting a column selects its whole subtree and the structs on its path.
// The projected Type keeps the schema's field order. Used by Reader. Thread-safety: a value.
#pragma once

#include <string>
#include <vector>

#include "recis/orc/type.h"

namespace recis::orc {

struct Projection {
  // One flag per file column id.
  std::vector<bool> selected;
  // The shape of what is read: the schema with unselected struct fields left out.
  Type type{TypeKind::Boolean};
};

// Empty `columns` selects everything. Throws ConfigError for an unknown name (listing the
// fields that exist) or a path through a non-struct column.
Projection project(const Type& schema, const std::vector<std::string>& columns);

}  // namespace recis::orc

#include "recis/serialize/core/table_delta.h"

#include <cstring>
#include <string>

#include "recis/common/error.h"

namespace recis::serialize {

RowsDelta diff_rows(const embedding::TableCore& since, const embedding::TableCore& to) {
  const embedding::RowLayout& layout = to.rows().layout();
  const embedding::RowLayout& base_layout = since.rows().layout();
  if (layout.row_bytes() != base_layout.row_bytes() || layout.dim() != base_layout.dim() ||
      layout.element_type() != base_layout.element_type() ||
      layout.slots().size() != base_layout.slots().size()) {
    throw Error("delta between tables of different row layouts (dim " +
                std::to_string(base_layout.dim()) + " vs " + std::to_string(layout.dim()) + ")");
  }
  for (std::size_t s = 0; s < layout.slots().size(); ++s) {
    if (layout.slots()[s].name != base_layout.slots()[s].name ||
        layout.slots()[s].width != base_layout.slots()[s].width) {
      throw Error("delta between tables with different optimizer slots ('" +
                  base_layout.slots()[s].name + "' vs '" + layout.slots()[s].name + "')");
    }
  }
  RowsDelta delta;
  std::vector<int64_t> ids, rows;
  to.for_each_row([&](int64_t id, int64_t row) {
    ids.push_back(id);
    rows.push_back(row);
  });
  std::vector<int64_t> base_rows(ids.size());
  since.find(ids, base_rows);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const bool same =
        base_rows[i] != embedding::TableCore::kNoRow &&
        std::memcmp(to.rows().row_data(rows[i]), since.rows().row_data(base_rows[i]),
                    layout.row_bytes()) == 0;
    if (same) continue;
    delta.changed.ids.push_back(ids[i]);
    delta.changed.rows.push_back(rows[i]);
  }

  std::vector<int64_t> base_ids;
  since.for_each_row([&](int64_t id, int64_t) { base_ids.push_back(id); });
  std::vector<int64_t> in_to(base_ids.size());
  to.find(base_ids, in_to);
  for (std::size_t i = 0; i < base_ids.size(); ++i) {
    if (in_to[i] == embedding::TableCore::kNoRow) delta.evicted.push_back(base_ids[i]);
  }
  return delta;
}

}  // namespace recis::serialize

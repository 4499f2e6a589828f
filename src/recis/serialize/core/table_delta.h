// Deltas between two states of one table, for `recis export --since A --to B`: the rows of `to`
// that are new or differ from `since` in any stored byte (embedding, optimizer slots, metadata),
// and the ids `since` has and `to` no longer has (evicted). Writing the changed rows with
// write_rows_file(..., evicted) and applying that file to `since` (load_rows_file, then erase the
// returned ids) gives `to`'s rows exactly.
// Callers: `recis export`, tests. Thread-safety: reads both tables, which must not change meanwhile.
#pragma once

#include <cstdint>
#include <vector>

#include "recis/embedding/core/table_core.h"
#include "recis/serialize/core/table_rows.h"

namespace recis::serialize {

struct RowsDelta {
  ChildRows changed;             // ids and rows of `to`
  std::vector<int64_t> evicted;  // ids of `since`
};

// Throws Error when the two tables' row layouts differ.
RowsDelta diff_rows(const embedding::TableCore& since, const embedding::TableCore& to);

}  // namespace recis::serialize

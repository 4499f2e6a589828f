// Embedding rows on disk: the rows of one child table (one shared_name) as one SafeTensors file,
//   "ids"        I64 [N]          the child's own ids (a merged table's child index stripped), so
//                                 the rows reload into any merge or shard layout;
//   "embedding"  F32|BF16|F16 [N, dim]  in the table's storage type;
//   "last_step"  U32 [N], "count" U32 [N]   the row metadata (eviction, admission);
//   one F32 [N, width] tensor per optimizer slot, named by the slot ("adam_m", ...);
//   "evicted_ids" I64 [M]         only in deltas: ids removed since the base checkpoint;
// metadata: format, table, child, dim, dtype, slots ("adam_m:16,adam_v:16").
// Written and read in chunks of rows spread over a thread pool, straight between the table's row
// blocks and the file: no second copy of the table is built in memory.
// Callers: the embedding checkpoint (serialize/engine_checkpoint.h), `recis export`, `recis ckpt`.
// Thread-safety: writing reads the table, which must not change meanwhile; loading writes rows
// through TableCore::restore and must not race with lookups or other loads of the same ids.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "recis/common/thread_pool.h"
#include "recis/embedding/core/table_core.h"
#include "recis/serialize/core/safetensors.h"

namespace recis::serialize {

inline constexpr const char* kRowsFormat = "recis-table-rows";

// The live rows of a table split by child index (child_of(id); a table with one child: all rows
// in list 0, whatever their high bits). ids as the table stores them. The id map's shards are
// walked in parallel on `pool`.
struct ChildRows {
  std::vector<int64_t> ids;
  std::vector<int64_t> rows;
};
std::vector<ChildRows> live_rows_by_child(const embedding::TableCore& table, std::size_t children,
                                          ThreadPool& pool);

struct RowsFileNames {
  std::string table;  // the physical table
  std::string child;  // the shared name whose rows these are
};

// Writes `rows` of `table` (ids[i] owns rows[i]) to `path`; strip_child stores child-local ids.
// evicted_ids (deltas) are stored as given. Returns the file's size and CRC-32C.
FileDigest write_rows_file(const embedding::TableCore& table, const ChildRows& rows,
                           bool strip_child, const RowsFileNames& names,
                           std::span<const int64_t> evicted_ids,
                           const std::filesystem::path& path, ThreadPool& pool);

// What a rows file holds, checked: tensor dtypes and shapes agree with each other and the
// metadata, and a table can hold such rows (dim, slot widths and names; errors name the file).
struct RowsFileLayout {
  RowsFileNames names;
  std::size_t rows = 0;
  std::size_t dim = 0;
  embedding::ElementType element_type = embedding::ElementType::F32;
  std::vector<embedding::SlotSpec> slots;
  std::size_t evicted = 0;
};
RowsFileLayout read_rows_layout(const SafeTensorsReader& file);

// Loads every row of `file` into `table`: ids are encoded for `child` (child < 0: kept as
// stored), rows are created or overwritten (embedding converted when the storage types differ,
// metadata and every slot of the table copied). Throws Error naming the file when dim differs or
// the file lacks one of the table's slots. Returns the ids the file lists as evicted (deltas),
// encoded likewise, for the caller to erase. Reads every byte of the file once, so the caller can
// check file.digest_of_reads() against the manifest.
// shard: a distributed rank keeps only the rows it owns (embedding/core/id_owner.h, decided on
// the encoded id) among shard.world ranks; the default keeps every row.
struct RankShard {
  int rank = 0;
  int world = 1;
};
std::vector<int64_t> load_rows_file(embedding::TableCore& table, const SafeTensorsReader& file,
                                    int64_t child, ThreadPool& pool, RankShard shard = {});

// The TableOptions a table needs to hold a rows file exactly (layout, no admission or eviction).
embedding::TableOptions table_options_for(const RowsFileLayout& layout);

}  // namespace recis::serialize

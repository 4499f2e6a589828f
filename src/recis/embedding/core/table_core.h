// TableCore: one embedding table's storage, torch-free: IdMap (id -> row) over RowBlocks (rows
// of embedding + optimizer slots + metadata), with the initializer, admission and eviction
// policies of TableOptions. Its batch API takes deduplicated ids and the global step:
//   lookup   - rows for training: admits and creates rows for new ids (initialized as a pure
//              function of (seed, table id, id)), touches last step and count; kNoRow for ids
//              that are not admitted (the caller reads zeros for them);
//   find     - read-only rows (evaluation): inserts and touches nothing;
//   evict    - frees rows idle for ttl_steps, then the least recently seen beyond max_rows (ties
//              broken by id, so the choice does not depend on the map's layout);
//   for_each_row / restore / erase / admission_filter - checkpoint save, load and deltas.
// The torch-facing table wraps it (tensors in, tensors out); the sparse optimizers update rows in
// place through rows().
// Thread-safety: lookup, find, restore, evict and stats may run concurrently from any threads.
// A row number stays valid until the evict() call after the one that freed it: rows freed by an
// eviction are handed to new ids only from the next evict() on, so a lookup running alongside an
// eviction never sees its row given to another id within the step.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>

#include "recis/embedding/core/counting_bloom_filter.h"
#include "recis/embedding/core/function_ref.h"
#include "recis/embedding/core/id_map.h"
#include "recis/embedding/core/initializer.h"
#include "recis/embedding/core/row_blocks.h"
#include "recis/embedding/core/table_options.h"

namespace recis::embedding {

class TableCore {
 public:
  static constexpr int64_t kNoRow = IdMap::kNoRow;

  // Throws ConfigError for an invalid option (naming it).
  explicit TableCore(TableOptions options);

  // ids unique; rows.size() == ids.size(); counts empty (one sighting each) or one per id.
  // step in [0, 2^32). With AdmissionMode::ReadOnly this is find() plus hit statistics.
  void lookup(std::span<const int64_t> ids, int64_t step, std::span<int64_t> rows,
              std::span<const uint32_t> counts = {});
  void find(std::span<const int64_t> ids, std::span<int64_t> rows) const;

  struct Evicted {
    std::size_t by_ttl = 0;
    std::size_t by_capacity = 0;
  };
  Evicted evict(int64_t step);

  // Calls fn(id, row) for every live row (checkpoint save reads the row through rows()).
  void for_each_row(FunctionRef<void(int64_t id, int64_t row)> fn) const;
  // Checkpoint load: gives every id a row (no admission; existing rows are kept) and sets its
  // metadata to metas[i]; the caller then writes the saved values through rows(). New rows'
  // embedding and slots are zeroed, unless the caller promises to overwrite all of them
  // (kCallerWritesAll: skips a pass over the new rows' memory).
  enum class NewRows { kZeroed, kCallerWritesAll };
  void restore(std::span<const int64_t> ids, std::span<const RowMeta> metas,
               std::span<int64_t> rows, NewRows new_rows = NewRows::kZeroed);
  // Room for about `rows` more ids in the id map at once (before a restore of that many).
  void reserve_more(std::size_t rows) { map_.reserve_more(rows); }

  // Frees the rows of the present ids (a delta's evicted ids); returns how many it freed. Must not
  // run concurrently with lookups of the same ids.
  std::size_t erase(std::span<const int64_t> ids);
  // The count-based admission filter (checkpointed with the rows); null unless CountThreshold.
  const CountingBloomFilter* admission_filter() const { return admission_filter_.get(); }
  CountingBloomFilter* admission_filter() { return admission_filter_.get(); }

  // The value a new row of `id` starts with (out.size() == dim), fp32 before storage rounding.
  void initial_row(int64_t id, std::span<float> out) const;

  TableStats stats() const;
  const TableOptions& options() const { return options_; }
  const RowBlocks& rows() const { return *rows_; }
  const IdMap& id_map() const { return map_; }

 private:
  // Initializes row `row` for `id` (called under the id's shard lock, before it is visible).
  void initialize_row(int64_t id, int64_t row, uint32_t step);
  void touch(std::span<const int64_t> rows, uint32_t step, std::span<const uint32_t> counts);
  std::size_t evict_least_recent(std::size_t excess);

  TableOptions options_;
  Initializer initializer_;
  IdMap map_;
  std::unique_ptr<RowBlocks> rows_;
  std::unique_ptr<CountingBloomFilter> admission_filter_;  // CountThreshold only
  std::atomic<uint64_t> lookups_{0}, hits_{0}, inserts_{0}, not_admitted_{0};
  std::atomic<uint64_t> evicted_by_ttl_{0}, evicted_by_capacity_{0};
};

}  // namespace recis::embedding

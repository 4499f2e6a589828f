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
// With a memory budget (TierOptions::memory_rows) the table has two tiers: at most that many rows
// in RAM (after each evict) and the rest in a DiskTier. evict() spills the coldest RAM rows to
// disk; lookup and find bring the rows of the ids they are given back to RAM first, bytes
// unchanged, so a tiered table computes exactly what the same table all in RAM does. TTL applies
// to disk rows as of the last evict (checked when a row would come back, and by the checkpoint
// readers); admission counts only ids that have no row in either tier.
// The torch-facing table wraps it (tensors in, tensors out); the sparse optimizers update rows in
// place through rows().
// Thread-safety: lookup, find, restore, evict and stats may run concurrently from any threads.
// A row number stays valid until the evict() call after the one that freed it: rows freed by an
// eviction are handed to new ids only from the next evict() on, so a lookup running alongside an
// eviction never sees its row given to another id within the step. A tiered table is the
// exception: its evict() moves rows and must not run alongside lookups, finds or restores, and a
// row number is valid only until the next evict().
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "recis/embedding/core/counting_bloom_filter.h"
#include "recis/embedding/core/disk_tier.h"
#include "recis/embedding/core/function_ref.h"
#include "recis/embedding/core/id_map.h"
#include "recis/embedding/core/initializer.h"
#include "recis/embedding/core/row_blocks.h"
#include "recis/embedding/core/table_options.h"

namespace recis::embedding {

class TableCore {
 public:
  static constexpr int64_t kNoRow = IdMap::kNoRow;
  // In row lists of a tiered table's checkpoint: the id's row is in the disk tier.
  static constexpr int64_t kOnDisk = -2;

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
  // A tiered table over its budget moves its coldest rows to disk (evict() does too); returns how
  // many. Must not run alongside lookups, and invalidates every row number handed out before.
  std::size_t enforce_budget();

  // Calls fn(id, row) for every live row in RAM (checkpoint save reads the row through rows()).
  void for_each_row(FunctionRef<void(int64_t id, int64_t row)> fn) const;
  // The disk tier's side of a checkpoint (nothing without a tier). for_each_disk_id calls fn(id)
  // for every live row on disk (rows past their TTL are not live); read_disk_rows copies the
  // bytes of such rows (row_bytes() each) to out, throwing Error for an id not on disk;
  // restore_to_disk writes whole rows as a checkpoint load does, to disk, overwriting an id's row
  // in whichever tier holds it. ram_room() is how many more rows RAM takes before its budget.
  bool tiered() const { return disk_ != nullptr; }
  void for_each_disk_id(FunctionRef<void(int64_t id)> fn) const;
  void read_disk_rows(std::span<const int64_t> ids, std::byte* out) const;
  void restore_to_disk(std::span<const int64_t> ids, const std::byte* rows);
  std::size_t ram_room() const;
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
  // The key a spill orders RAM rows by (coldest first).
  static uint32_t cold_key(RowMeta* meta, SpillPolicy by);
  // The `count` least recently seen RAM rows, ties broken by id: rows whose last step is below
  // `key`, then those at `key` with ids up to `last_id`.
  struct ColdCut {
    uint32_t key;
    int64_t last_id;
  };
  std::optional<ColdCut> least_recent(std::size_t count) const;
  bool is_cold(const ColdCut& cut, int64_t id, int64_t row) const;
  std::size_t evict_least_recent(std::size_t excess);
  // Moves the coldest RAM rows to disk until at most the low watermark stays in RAM.
  std::size_t spill();
  // The key below which about `count` RAM rows lie, from a sample of the rows.
  uint32_t spill_cutoff(std::size_t count, SpillPolicy by) const;
  // Brings the ids' rows that are on disk (and not past their TTL) back to RAM.
  void promote(std::span<const int64_t> ids) const;
  bool expired_on_disk(const std::byte* row) const;

  TableOptions options_;
  Initializer initializer_;
  // mutable: find() promotes disk rows, which moves rows between tiers without changing any value.
  mutable IdMap map_;
  std::unique_ptr<RowBlocks> rows_;
  std::unique_ptr<CountingBloomFilter> admission_filter_;  // CountThreshold only
  std::unique_ptr<DiskTier> disk_;                         // with a memory budget only
  // The step of the last evict() that applied the TTL (-1: none yet); disk rows idle for ttl_steps
  // at that step are gone, as they would have been in RAM.
  std::atomic<int64_t> last_ttl_step_{-1};
  std::atomic<uint64_t> lookups_{0}, hits_{0}, inserts_{0}, not_admitted_{0};
  mutable std::atomic<uint64_t> evicted_by_ttl_{0}, promoted_{0};
  std::atomic<uint64_t> evicted_by_capacity_{0}, spilled_{0};
};

}  // namespace recis::embedding

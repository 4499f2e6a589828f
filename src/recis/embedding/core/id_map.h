// IdMap: the id -> row map of an embedding table. Any int64 id maps to an int64 row number that
// stays the same until the id is erased; erased rows are reused by later inserts. The map is
// split into a power-of-two number of shards by the id's hash, each an IdMapShard under its own
// mutex, and works on whole deduplicated batches: the batch is hashed once, grouped by shard, and
// each shard is locked once while its ids are probed with software prefetching a few ids ahead.
// A row number is (local index << shard bits) | shard, so rows of all shards interleave densely
// from 0 and RowBlocks can grow by whole blocks.
// Callers: TableCore (and the torch-facing table on top of it), `recis bench idmap`.
// Thread-safety: every method may be called from any number of threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>

#include "recis/embedding/core/function_ref.h"
#include "recis/embedding/core/id_map_shard.h"

namespace recis::embedding {

class IdMap {
 public:
  static constexpr int64_t kNoRow = -1;
  // Runs for each id a batch inserts, under its shard's lock, before any other thread can find
  // the id: the place to initialize the row. `index` is the id's position in the batch. It must
  // not run IdMap batches itself (each thread has one batch scratch area).
  using InsertHook = FunctionRef<void(std::size_t index, int64_t row)>;

  // num_shards: a power of two in [1, 1024]; more shards let more threads work at once.
  explicit IdMap(std::size_t num_shards = 16);
  ~IdMap();
  IdMap(const IdMap&) = delete;
  IdMap& operator=(const IdMap&) = delete;

  // rows[i] = the row of ids[i], or kNoRow. ids must be unique within the batch for
  // find_or_insert; rows.size() must equal ids.size().
  void find(std::span<const int64_t> ids, std::span<int64_t> rows) const;
  // Inserts the absent ids; returns how many it inserted.
  std::size_t find_or_insert(std::span<const int64_t> ids, std::span<int64_t> rows);
  std::size_t find_or_insert(std::span<const int64_t> ids, std::span<int64_t> rows,
                             InsertHook on_insert);
  // Erases the present ids (their rows become free); returns how many it erased.
  std::size_t erase(std::span<const int64_t> ids);
  // Erases every entry for which pred(id, row) is true, shard by shard under each shard's lock.
  // Rows freed with Reuse::AfterRelease are handed out again only after release_retired(): a
  // reader that found such a row just before the erase keeps a row no other id owns.
  enum class Reuse { Now, AfterRelease };
  std::size_t erase_if(FunctionRef<bool(int64_t id, int64_t row)> pred, Reuse reuse = Reuse::Now);
  void release_retired();
  // Calls fn(id, row) for every entry, shard by shard under each shard's lock.
  void for_each(FunctionRef<void(int64_t id, int64_t row)> fn) const;
  // The same for one shard (shard < num_shards()): threads may walk different shards at once.
  void for_each_in_shard(std::size_t shard, FunctionRef<void(int64_t id, int64_t row)> fn) const;

  // Grows every shard at once so that `more` ids beyond size() fit without the rehashes one by
  // one growth would make (a checkpoint load knows its row count).
  void reserve_more(std::size_t more);

  std::size_t size() const;
  // Every row handed out so far is below this bound.
  int64_t row_bound() const;
  std::size_t memory_bytes() const;
  std::size_t num_shards() const { return std::size_t{1} << shard_bits_; }

 private:
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    IdMapShard map;
  };
  enum class Op { Find, FindOrInsert, Erase };

  // Runs `op` over the batch; returns the count of inserted (FindOrInsert) or erased (Erase) ids.
  std::size_t run_batch(Op op, std::span<const int64_t> ids, std::span<int64_t> rows,
                        const InsertHook* on_insert) const;
  // Runs `op` over one shard's part of the batch: its ids and hashes, and their batch positions.
  std::size_t run_shard(Op op, IdMapShard& map, std::size_t shard_index,
                        std::span<const int64_t> ids, std::span<const uint64_t> hashes,
                        std::span<const uint32_t> positions, std::span<int64_t> rows,
                        const InsertHook* on_insert) const;
  std::size_t shard_of(uint64_t hash) const {
    return shard_bits_ == 0 ? 0 : static_cast<std::size_t>(hash >> (64 - shard_bits_));
  }
  int64_t row_of(std::size_t shard, uint32_t local) const {
    return static_cast<int64_t>((uint64_t{local} << shard_bits_) | shard);
  }

  int shard_bits_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace recis::embedding

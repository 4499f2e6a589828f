#include "recis/embedding/core/id_map.h"

#include <bit>
#include <cmath>
#include <string>
#include <vector>

#include "recis/common/error.h"
#include "recis/embedding/core/id_hash.h"

namespace recis::embedding {
namespace {

// How far ahead of the id being probed its group is prefetched, and then its id entry (whose
// address needs the group). Measured at 10M ids: 32/16 and 24/8 are best; 8/4 is ~40% slower.
constexpr std::size_t kGroupAhead = 32;
constexpr std::size_t kCandidateAhead = 16;

// Per-thread scratch reused across batches: the batch's hashes, then ids, hashes and batch
// positions regrouped by shard so that each shard's probes read them sequentially.
struct BatchScratch {
  std::vector<uint64_t> hashes;
  std::vector<int64_t> grouped_ids;
  std::vector<uint64_t> grouped_hashes;
  std::vector<uint32_t> order;
  std::vector<uint32_t> shard_begin;
  std::vector<uint32_t> cursor;
  std::vector<uint8_t> shard_done;
};

void check_batch(std::span<const int64_t> ids, std::span<int64_t> rows) {
  if (ids.size() != rows.size()) {
    throw Error("IdMap: batch of " + std::to_string(ids.size()) + " ids but " +
                std::to_string(rows.size()) + " row outputs; they must match");
  }
  if (ids.size() > UINT32_MAX) {
    throw Error("IdMap: batch of " + std::to_string(ids.size()) + " ids; at most 2^32-1 per batch");
  }
}

}  // namespace

IdMap::IdMap(std::size_t num_shards) {
  if (num_shards == 0 || num_shards > 1024 || !std::has_single_bit(num_shards)) {
    throw ConfigError("IdMap: num_shards " + std::to_string(num_shards) +
                      " must be a power of two in [1, 1024]");
  }
  shard_bits_ = std::countr_zero(num_shards);
  shards_ = std::make_unique<Shard[]>(num_shards);
}

IdMap::~IdMap() = default;

void IdMap::find(std::span<const int64_t> ids, std::span<int64_t> rows) const {
  check_batch(ids, rows);
  run_batch(Op::Find, ids, rows, nullptr);
}

std::size_t IdMap::find_or_insert(std::span<const int64_t> ids, std::span<int64_t> rows) {
  check_batch(ids, rows);
  return run_batch(Op::FindOrInsert, ids, rows, nullptr);
}

std::size_t IdMap::find_or_insert(std::span<const int64_t> ids, std::span<int64_t> rows,
                                  InsertHook on_insert) {
  check_batch(ids, rows);
  return run_batch(Op::FindOrInsert, ids, rows, &on_insert);
}

std::size_t IdMap::erase(std::span<const int64_t> ids) {
  if (ids.size() > UINT32_MAX) {
    throw Error("IdMap: batch of " + std::to_string(ids.size()) + " ids; at most 2^32-1 per batch");
  }
  return run_batch(Op::Erase, ids, {}, nullptr);
}

std::size_t IdMap::run_batch(Op op, std::span<const int64_t> ids, std::span<int64_t> rows,
                             const InsertHook* on_insert) const {
  thread_local BatchScratch scratch;
  const std::size_t n = ids.size();
  const std::size_t shards = num_shards();
  scratch.hashes.resize(n);
  for (std::size_t i = 0; i < n; ++i) scratch.hashes[i] = hash_id(ids[i]);

  // Counting sort of batch positions by shard.
  scratch.shard_begin.assign(shards + 1, 0);
  for (std::size_t i = 0; i < n; ++i) ++scratch.shard_begin[shard_of(scratch.hashes[i]) + 1];
  for (std::size_t s = 0; s < shards; ++s) scratch.shard_begin[s + 1] += scratch.shard_begin[s];
  scratch.order.resize(n);
  scratch.grouped_ids.resize(n);
  scratch.grouped_hashes.resize(n);
  scratch.cursor.assign(scratch.shard_begin.begin(), scratch.shard_begin.end() - 1);
  for (std::size_t i = 0; i < n; ++i) {
    const uint32_t j = scratch.cursor[shard_of(scratch.hashes[i])]++;
    scratch.order[j] = static_cast<uint32_t>(i);
    scratch.grouped_ids[j] = ids[i];
    scratch.grouped_hashes[j] = scratch.hashes[i];
  }

  // Take free shards first and come back for the busy ones, so threads rarely wait on each other.
  std::size_t count = 0;
  scratch.shard_done.assign(shards, 0);
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t s = 0; s < shards; ++s) {
      const uint32_t begin = scratch.shard_begin[s];
      const uint32_t end = scratch.shard_begin[s + 1];
      if (scratch.shard_done[s] || begin == end) continue;
      std::unique_lock lock(shards_[s].mutex, std::defer_lock);
      if (pass == 0) {
        if (!lock.try_lock()) continue;
      } else {
        lock.lock();
      }
      const std::size_t size = end - begin;
      count += run_shard(op, shards_[s].map, s, {scratch.grouped_ids.data() + begin, size},
                         {scratch.grouped_hashes.data() + begin, size},
                         {scratch.order.data() + begin, size}, rows, on_insert);
      scratch.shard_done[s] = 1;
    }
  }
  return count;
}

std::size_t IdMap::run_shard(Op op, IdMapShard& map, std::size_t shard_index,
                             std::span<const int64_t> ids, std::span<const uint64_t> hashes,
                             std::span<const uint32_t> positions, std::span<int64_t> rows,
                             const InsertHook* on_insert) const {
  const std::size_t n = ids.size();
  for (std::size_t j = 0; j < std::min(n, kGroupAhead); ++j) map.prefetch_group(hashes[j]);
  for (std::size_t j = 0; j < std::min(n, kCandidateAhead); ++j) map.prefetch_candidate(hashes[j]);

  std::size_t count = 0;
  for (std::size_t j = 0; j < n; ++j) {
    if (j + kGroupAhead < n) map.prefetch_group(hashes[j + kGroupAhead]);
    if (j + kCandidateAhead < n) map.prefetch_candidate(hashes[j + kCandidateAhead]);
    switch (op) {
      case Op::Find: {
        const uint32_t local = map.find(ids[j], hashes[j]);
        rows[positions[j]] = local == IdMapShard::kNoIndex ? kNoRow : row_of(shard_index, local);
        break;
      }
      case Op::FindOrInsert: {
        const auto [local, inserted] = map.find_or_insert(ids[j], hashes[j]);
        const int64_t row = row_of(shard_index, local);
        rows[positions[j]] = row;
        if (inserted) {
          ++count;
          if (on_insert) (*on_insert)(positions[j], row);
        }
        break;
      }
      case Op::Erase:
        count += map.erase(ids[j], hashes[j]) != IdMapShard::kNoIndex;
        break;
    }
  }
  return count;
}

std::size_t IdMap::erase_if(FunctionRef<bool(int64_t id, int64_t row)> pred, Reuse reuse) {
  std::size_t erased = 0;
  for (std::size_t s = 0; s < num_shards(); ++s) {
    std::lock_guard lock(shards_[s].mutex);
    erased += shards_[s].map.erase_if(
        [&](int64_t id, uint32_t local) { return pred(id, row_of(s, local)); },
        reuse == Reuse::AfterRelease);
  }
  return erased;
}

void IdMap::release_retired() {
  for (std::size_t s = 0; s < num_shards(); ++s) {
    std::lock_guard lock(shards_[s].mutex);
    shards_[s].map.release_retired();
  }
}

void IdMap::for_each(FunctionRef<void(int64_t id, int64_t row)> fn) const {
  for (std::size_t s = 0; s < num_shards(); ++s) for_each_in_shard(s, fn);
}

void IdMap::for_each_in_shard(std::size_t shard,
                              FunctionRef<void(int64_t id, int64_t row)> fn) const {
  std::lock_guard lock(shards_[shard].mutex);
  shards_[shard].map.for_each([&](int64_t id, uint32_t local) { fn(id, row_of(shard, local)); });
}

void IdMap::reserve_more(std::size_t more) {
  // Ids spread over the shards by hash: allow each shard its share plus a few standard
  // deviations, so that hardly any shard still has to grow.
  const double share = static_cast<double>(more) / static_cast<double>(num_shards());
  const auto per_shard = static_cast<std::size_t>(share + 4 * std::sqrt(share) + 16);
  for (std::size_t s = 0; s < num_shards(); ++s) {
    std::lock_guard lock(shards_[s].mutex);
    shards_[s].map.reserve(shards_[s].map.size() + per_shard);
  }
}

std::size_t IdMap::size() const {
  std::size_t total = 0;
  for (std::size_t s = 0; s < num_shards(); ++s) {
    std::lock_guard lock(shards_[s].mutex);
    total += shards_[s].map.size();
  }
  return total;
}

int64_t IdMap::row_bound() const {
  int64_t bound = 0;
  for (std::size_t s = 0; s < num_shards(); ++s) {
    std::lock_guard lock(shards_[s].mutex);
    const uint32_t locals = shards_[s].map.index_bound();
    if (locals > 0) bound = std::max(bound, row_of(s, locals - 1) + 1);
  }
  return bound;
}

std::size_t IdMap::memory_bytes() const {
  std::size_t total = sizeof(*this) + num_shards() * sizeof(Shard);
  for (std::size_t s = 0; s < num_shards(); ++s) {
    std::lock_guard lock(shards_[s].mutex);
    total += shards_[s].map.memory_bytes();
  }
  return total;
}

}  // namespace recis::embedding

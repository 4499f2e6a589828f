// IdMapShard: one shard of IdMap, a SwissTable-style open-addressing map from int64 id to a dense
// local index. Slots live in 16-slot groups with one control byte each (Empty, Deleted or a 7-bit
// tag of the id's hash); a probe compares a whole group's tags with one SSE2 instruction and walks
// groups quadratically. A group keeps its control bytes and slots together (80 bytes), so a probe
// touches one page for the group and one for the id.
// A slot holds only a 4-byte local index; the id itself sits in a dense array indexed by the local
// index (CPython's compact dict layout), so an entry costs 5 bytes / load factor + 8 bytes.
// Local indices are stable until erased; erased ones go on a free list and are handed out again
// first. Entries erased as "retired" keep their index out of reuse until release_retired(), so a
// row number a concurrent reader still holds is not given to another id in the meantime.
// Callers pass the hash (hash_id) so a batch is hashed once. Used by IdMap, which holds the lock.
// Thread-safety: none.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "recis/embedding/core/control_group.h"
#include "recis/embedding/core/function_ref.h"
#include "recis/embedding/core/huge_page_array.h"

namespace recis::embedding {

class IdMapShard {
 public:
  static constexpr uint32_t kNoIndex = UINT32_MAX;
  // Local indices are < kMaxIndices (the top value is the kNoIndex marker).
  static constexpr uint32_t kMaxIndices = UINT32_MAX;

  IdMapShard();

  // Brings the id's first probe group (control bytes and slots) toward the cache.
  void prefetch_group(uint64_t hash) const {
    const Group* group = &groups_[first_group(hash)];
    __builtin_prefetch(group);
    __builtin_prefetch(reinterpret_cast<const char*>(group) + sizeof(Group) - 1);
  }
  // With the group already cached: brings the id array entry of the first tag match toward the
  // cache, so the later probe's id comparison does not miss.
  void prefetch_candidate(uint64_t hash) const {
    const Group& group = groups_[first_group(hash)];
    const uint32_t matches = ControlGroup(group.control).match(tag_of(hash));
    if (matches) __builtin_prefetch(&ids_[group.slots[std::countr_zero(matches)]]);
  }

  uint32_t find(int64_t id, uint64_t hash) const {
    const std::size_t position = find_position(id, hash);
    return position == kNoPosition ? kNoIndex : slot_at(position);
  }
  // The id's local index and whether this call inserted it.
  std::pair<uint32_t, bool> find_or_insert(int64_t id, uint64_t hash) {
    const std::size_t found = find_position(id, hash);
    if (found != kNoPosition) return {slot_at(found), false};
    return {insert_absent(id, hash), true};
  }
  // Frees the id's local index and returns it, or kNoIndex when absent.
  uint32_t erase(int64_t id, uint64_t hash);
  // Erases every entry for which pred(id, local) is true; returns how many. Their indices are
  // reusable at once, or (retire) only after the next release_retired().
  std::size_t erase_if(FunctionRef<bool(int64_t id, uint32_t local)> pred, bool retire = false);
  void release_retired();
  void for_each(FunctionRef<void(int64_t id, uint32_t local)> fn) const;
  // Grows (one rehash) so that `entries` ids fit without another.
  void reserve(std::size_t entries);

  std::size_t size() const { return size_; }
  // Every local index handed out so far is below this.
  uint32_t index_bound() const { return next_index_; }
  // Memory the shard has touched: control bytes, slots, ids and the free list.
  std::size_t memory_bytes() const;

 private:
  struct Group {
    uint8_t control[control::kGroupSize];
    uint32_t slots[control::kGroupSize];
  };
  static_assert(sizeof(Group) == 80);

  std::size_t capacity() const { return (group_mask_ + 1) * control::kGroupSize; }
  // A slot position is group * 16 + index in the group.
  uint8_t& control_at(std::size_t position) const {
    return groups_[position / control::kGroupSize].control[position % control::kGroupSize];
  }
  uint32_t& slot_at(std::size_t position) const {
    return groups_[position / control::kGroupSize].slots[position % control::kGroupSize];
  }
  std::size_t first_group(uint64_t hash) const { return (hash >> 7) & group_mask_; }
  static uint8_t tag_of(uint64_t hash) { return static_cast<uint8_t>(hash & 0x7F); }

  static constexpr std::size_t kNoPosition = SIZE_MAX;
  // Slot position of `id`, or kNoPosition.
  std::size_t find_position(int64_t id, uint64_t hash) const {
    const uint8_t tag = tag_of(hash);
    std::size_t group = first_group(hash);
    for (std::size_t step = 1;; ++step) {
      const Group& candidates = groups_[group];
      const ControlGroup control(candidates.control);
      for (uint32_t matches = control.match(tag); matches; matches &= matches - 1) {
        const int slot = std::countr_zero(matches);
        if (ids_[candidates.slots[slot]] == id) return group * control::kGroupSize + slot;
      }
      if (control.match_empty()) return kNoPosition;
      group = (group + step) & group_mask_;
    }
  }
  // First Empty or Deleted slot on the id's probe sequence.
  std::size_t find_free_position(uint64_t hash) const;
  // Inserts an id known to be absent; returns its new local index.
  uint32_t insert_absent(int64_t id, uint64_t hash);
  void erase_at(std::size_t position, bool retire);
  void rehash(std::size_t new_groups);
  uint32_t allocate_index(int64_t id);

  HugePageArray<Group> groups_;
  HugePageArray<int64_t> ids_;
  std::vector<uint32_t> free_indices_;
  std::vector<uint32_t> retired_indices_;
  std::size_t group_mask_ = 0;  // groups - 1, groups a power of two
  std::size_t size_ = 0;
  std::size_t growth_left_ = 0;  // Empty slots that may still be filled before a rehash
  uint32_t next_index_ = 0;
};

}  // namespace recis::embedding

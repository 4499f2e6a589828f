#include "recis/embedding/core/id_map_shard.h"

#include <bit>
#include <cstring>
#include <string>

#include "recis/common/error.h"
#include "recis/embedding/core/control_group.h"
#include "recis/embedding/core/id_hash.h"

namespace recis::embedding {
namespace {

constexpr std::size_t kGroup = control::kGroupSize;

// At most 7/8 of the slots are Full or Deleted, so every probe meets an Empty slot.
std::size_t max_filled(std::size_t capacity) { return capacity - capacity / 8; }

}  // namespace

IdMapShard::IdMapShard() { rehash(1); }

void IdMapShard::prefetch_group(uint64_t hash) const {
  const std::size_t base = first_group(hash) * kGroup;
  __builtin_prefetch(&control_[base]);
  __builtin_prefetch(&slots_[base]);
}

void IdMapShard::prefetch_candidate(uint64_t hash) const {
  const std::size_t base = first_group(hash) * kGroup;
  const uint32_t matches = ControlGroup(&control_[base]).match(tag_of(hash));
  if (matches) __builtin_prefetch(&ids_[slots_[base + std::countr_zero(matches)]]);
}

std::size_t IdMapShard::find_position(int64_t id, uint64_t hash) const {
  const uint8_t tag = tag_of(hash);
  std::size_t group = first_group(hash);
  for (std::size_t step = 1;; ++step) {
    const std::size_t base = group * kGroup;
    const ControlGroup control(&control_[base]);
    for (uint32_t matches = control.match(tag); matches; matches &= matches - 1) {
      const std::size_t position = base + std::countr_zero(matches);
      if (ids_[slots_[position]] == id) return position;
    }
    if (control.match_empty()) return SIZE_MAX;
    group = (group + step) & group_mask_;
  }
}

std::size_t IdMapShard::find_free_position(uint64_t hash) const {
  std::size_t group = first_group(hash);
  for (std::size_t step = 1;; ++step) {
    const std::size_t base = group * kGroup;
    const uint32_t free = ControlGroup(&control_[base]).match_empty_or_deleted();
    if (free) return base + std::countr_zero(free);
    group = (group + step) & group_mask_;
  }
}

uint32_t IdMapShard::find(int64_t id, uint64_t hash) const {
  const std::size_t position = find_position(id, hash);
  return position == SIZE_MAX ? kNoIndex : slots_[position];
}

std::pair<uint32_t, bool> IdMapShard::find_or_insert(int64_t id, uint64_t hash) {
  const std::size_t found = find_position(id, hash);
  if (found != SIZE_MAX) return {slots_[found], false};

  std::size_t position = find_free_position(hash);
  if (control_[position] == control::kEmpty && growth_left_ == 0) {
    // Full of entries: double. Mostly tombstones: rebuild at the same size to reclaim them.
    const std::size_t groups = group_mask_ + 1;
    rehash(size_ + 1 > max_filled(capacity()) / 2 ? groups * 2 : groups);
    position = find_free_position(hash);
  }
  const uint32_t index = allocate_index(id);
  if (control_[position] == control::kEmpty) --growth_left_;
  control_[position] = tag_of(hash);
  slots_[position] = index;
  ++size_;
  return {index, true};
}

uint32_t IdMapShard::erase(int64_t id, uint64_t hash) {
  const std::size_t position = find_position(id, hash);
  if (position == SIZE_MAX) return kNoIndex;
  const uint32_t index = slots_[position];
  erase_at(position, false);
  return index;
}

void IdMapShard::erase_at(std::size_t position, bool retire) {
  (retire ? retired_indices_ : free_indices_).push_back(slots_[position]);
  --size_;
  // A probe only walks past a group that had no Empty slot when later ids were inserted, so a
  // group that still has an Empty slot ends every probe through it: the slot may become Empty.
  const std::size_t base = position / kGroup * kGroup;
  if (ControlGroup(&control_[base]).match_empty()) {
    control_[position] = control::kEmpty;
    ++growth_left_;
  } else {
    control_[position] = control::kDeleted;
  }
}

std::size_t IdMapShard::erase_if(FunctionRef<bool(int64_t id, uint32_t local)> pred, bool retire) {
  std::size_t erased = 0;
  for (std::size_t position = 0; position < capacity(); ++position) {
    if (!control::is_full(control_[position])) continue;
    const uint32_t index = slots_[position];
    if (pred(ids_[index], index)) {
      erase_at(position, retire);
      ++erased;
    }
  }
  return erased;
}

void IdMapShard::release_retired() {
  free_indices_.insert(free_indices_.end(), retired_indices_.begin(), retired_indices_.end());
  retired_indices_.clear();
}

void IdMapShard::for_each(FunctionRef<void(int64_t id, uint32_t local)> fn) const {
  for (std::size_t position = 0; position < capacity(); ++position) {
    if (control::is_full(control_[position])) fn(ids_[slots_[position]], slots_[position]);
  }
}

void IdMapShard::rehash(std::size_t new_groups) {
  HugePageArray<uint8_t> old_control = std::move(control_);
  HugePageArray<uint32_t> old_slots = std::move(slots_);
  const std::size_t old_capacity = old_control.data() ? capacity() : 0;

  const std::size_t new_capacity = new_groups * kGroup;
  control_ = HugePageArray<uint8_t>(new_capacity);
  slots_ = HugePageArray<uint32_t>(new_capacity);
  std::memset(control_.data(), control::kEmpty, new_capacity);
  group_mask_ = new_groups - 1;
  growth_left_ = max_filled(new_capacity) - size_;

  for (std::size_t position = 0; position < old_capacity; ++position) {
    if (!control::is_full(old_control[position])) continue;
    const uint32_t index = old_slots[position];
    const uint64_t hash = hash_id(ids_[index]);
    const std::size_t target = find_free_position(hash);
    control_[target] = tag_of(hash);
    slots_[target] = index;
  }
}

uint32_t IdMapShard::allocate_index(int64_t id) {
  uint32_t index;
  if (!free_indices_.empty()) {
    index = free_indices_.back();
    free_indices_.pop_back();
  } else {
    if (next_index_ == kMaxIndices) {
      throw Error("IdMap: a shard already holds " + std::to_string(kMaxIndices) +
                  " ids, the most one shard can address; create the table with more shards");
    }
    index = next_index_++;
    if (index >= ids_.capacity()) ids_.reserve(std::max<std::size_t>(1024, ids_.capacity() * 2));
  }
  ids_[index] = id;
  return index;
}

std::size_t IdMapShard::memory_bytes() const {
  return capacity() * (sizeof(uint8_t) + sizeof(uint32_t)) + std::size_t{next_index_} * sizeof(int64_t) +
         (free_indices_.capacity() + retired_indices_.capacity()) * sizeof(uint32_t);
}

}  // namespace recis::embedding

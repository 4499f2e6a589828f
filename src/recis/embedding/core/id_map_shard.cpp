#include "recis/embedding/core/id_map_shard.h"

#include <bit>
#include <cstring>
#include <string>

#include "recis/common/error.h"
#include "recis/embedding/core/id_hash.h"

namespace recis::embedding {
namespace {

constexpr std::size_t kGroup = control::kGroupSize;

// At most 7/8 of the slots are Full or Deleted, so every probe meets an Empty slot.
std::size_t max_filled(std::size_t capacity) { return capacity - capacity / 8; }

}  // namespace

IdMapShard::IdMapShard() { rehash(1); }

std::size_t IdMapShard::find_free_position(uint64_t hash) const {
  std::size_t group = first_group(hash);
  for (std::size_t step = 1;; ++step) {
    const uint32_t free = ControlGroup(groups_[group].control).match_empty_or_deleted();
    if (free) return group * kGroup + std::countr_zero(free);
    group = (group + step) & group_mask_;
  }
}

uint32_t IdMapShard::insert_absent(int64_t id, uint64_t hash) {
  std::size_t position = find_free_position(hash);
  if (control_at(position) == control::kEmpty && growth_left_ == 0) {
    // Full of entries: double. Mostly tombstones: rebuild at the same size to reclaim them.
    const std::size_t groups = group_mask_ + 1;
    rehash(size_ + 1 > max_filled(capacity()) / 2 ? groups * 2 : groups);
    position = find_free_position(hash);
  }
  const uint32_t index = allocate_index(id);
  if (control_at(position) == control::kEmpty) --growth_left_;
  control_at(position) = tag_of(hash);
  slot_at(position) = index;
  ++size_;
  return index;
}

uint32_t IdMapShard::erase(int64_t id, uint64_t hash) {
  const std::size_t position = find_position(id, hash);
  if (position == kNoPosition) return kNoIndex;
  const uint32_t index = slot_at(position);
  erase_at(position, false);
  return index;
}

void IdMapShard::erase_at(std::size_t position, bool retire) {
  (retire ? retired_indices_ : free_indices_).push_back(slot_at(position));
  --size_;
  // A probe only walks past a group that had no Empty slot when later ids were inserted, so a
  // group that still has an Empty slot ends every probe through it: the slot may become Empty.
  if (ControlGroup(groups_[position / kGroup].control).match_empty()) {
    control_at(position) = control::kEmpty;
    ++growth_left_;
  } else {
    control_at(position) = control::kDeleted;
  }
}

std::size_t IdMapShard::erase_if(FunctionRef<bool(int64_t id, uint32_t local)> pred, bool retire) {
  std::size_t erased = 0;
  for (std::size_t position = 0; position < capacity(); ++position) {
    if (!control::is_full(control_at(position))) continue;
    const uint32_t index = slot_at(position);
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
    if (control::is_full(control_at(position))) fn(ids_[slot_at(position)], slot_at(position));
  }
}

void IdMapShard::reserve(std::size_t entries) {
  std::size_t groups = group_mask_ + 1;
  while (max_filled(groups * kGroup) < entries) groups *= 2;
  if (groups > group_mask_ + 1) rehash(groups);
}

void IdMapShard::rehash(std::size_t new_groups) {
  HugePageArray<Group> old_groups = std::move(groups_);
  const std::size_t old_group_count = old_groups.data() ? group_mask_ + 1 : 0;

  groups_ = HugePageArray<Group>(new_groups);
  for (std::size_t group = 0; group < new_groups; ++group) {
    std::memset(groups_[group].control, control::kEmpty, kGroup);
  }
  group_mask_ = new_groups - 1;
  growth_left_ = max_filled(capacity()) - size_;

  for (std::size_t group = 0; group < old_group_count; ++group) {
    for (std::size_t slot = 0; slot < kGroup; ++slot) {
      if (!control::is_full(old_groups[group].control[slot])) continue;
      const uint32_t index = old_groups[group].slots[slot];
      const uint64_t hash = hash_id(ids_[index]);
      const std::size_t target = find_free_position(hash);
      control_at(target) = tag_of(hash);
      slot_at(target) = index;
    }
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
  return (group_mask_ + 1) * sizeof(Group) + std::size_t{next_index_} * sizeof(int64_t) +
         (free_indices_.capacity() + retired_indices_.capacity()) * sizeof(uint32_t);
}

}  // namespace recis::embedding

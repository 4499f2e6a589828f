#include "recis/embedding/core/id_dedup.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <string>

#include "recis/common/error.h"
#include "recis/embedding/core/id_hash.h"

namespace recis::embedding {

void IdDedup::run(std::span<const int64_t> ids, std::span<int64_t> inverse) {
  if (inverse.size() != ids.size()) {
    throw Error("IdDedup: " + std::to_string(ids.size()) + " ids but " +
                std::to_string(inverse.size()) + " inverse entries");
  }
  if (ids.size() >= static_cast<std::size_t>(std::numeric_limits<int32_t>::max() / 2)) {
    throw Error("IdDedup: a batch of " + std::to_string(ids.size()) +
                " ids is more than one lookup can deduplicate (2^30)");
  }
  unique_.clear();
  counts_.clear();
  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, ids.size() * 2));
  slots_.assign(capacity, 0);
  const uint64_t mask = capacity - 1;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const int64_t id = ids[i];
    uint64_t slot = hash_id(id) & mask;
    while (true) {
      const int32_t entry = slots_[slot];
      if (entry == 0) {
        unique_.push_back(id);
        counts_.push_back(1);
        slots_[slot] = static_cast<int32_t>(unique_.size());
        inverse[i] = static_cast<int64_t>(unique_.size() - 1);
        break;
      }
      if (unique_[entry - 1] == id) {
        ++counts_[entry - 1];
        inverse[i] = entry - 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
}

}  // namespace recis::embedding

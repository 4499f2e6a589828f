// Which rank owns an id's embedding row in a job of `world` ranks. The id space is cut into 65536
// slices by the low 16 bits of hash_id(id) (RecIS slices by the raw id's low bits; hashing first
// keeps small or strided ids, such as mod or bucketize outputs, spread over all ranks), and slice s
// belongs to rank floor(s * world / 65536): each rank owns one contiguous slice range. A merged table's
// child-encoded id is what is sliced, so every child spreads over all ranks.
// Used by the distributed embedding exchange and by checkpoint loading, which keeps the rows this
// rank owns under the world size it runs with. Pure, thread-safe.
#pragma once

#include <cstdint>

#include "recis/embedding/core/id_hash.h"

namespace recis::embedding {

inline constexpr uint32_t kIdSlices = 65536;

inline uint32_t id_slice(int64_t id) { return static_cast<uint32_t>(hash_id(id) & (kIdSlices - 1)); }

inline int owner_of_id(int64_t id, int world) {
  return static_cast<int>((static_cast<uint64_t>(id_slice(id)) * static_cast<uint64_t>(world)) /
                          kIdSlices);
}

}  // namespace recis::embedding

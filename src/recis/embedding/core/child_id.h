// Child ids of a merged embedding table. Features whose tables share dim, dtype, initializer,
// admission and eviction are merged into one physical table; each shared_name is a "child", and
// its ids are stored as (child << 52) | (id & (2^52 - 1)). Ids at or above 2^52 (or negative) lose
// their top 12 bits, so two ids of one child that differ only there share a row, as in RecIS; a
// table with a single child stores ids unchanged. Used by the torch-facing embedding engine
// (encoding) and TableCore (initial values keyed by the child's own table id and the low bits).
// Pure functions.
#pragma once

#include <cstdint>

namespace recis::embedding {

inline constexpr int kChildBits = 12;
inline constexpr int kChildIdBits = 64 - kChildBits;
inline constexpr int64_t kMaxChildren = int64_t{1} << kChildBits;
inline constexpr uint64_t kChildIdMask = (uint64_t{1} << kChildIdBits) - 1;

inline int64_t encode_child_id(int64_t child, int64_t id) {
  return static_cast<int64_t>((static_cast<uint64_t>(child) << kChildIdBits) |
                              (static_cast<uint64_t>(id) & kChildIdMask));
}
inline int64_t child_of(int64_t encoded) {
  return static_cast<int64_t>(static_cast<uint64_t>(encoded) >> kChildIdBits);
}
inline int64_t child_local_id(int64_t encoded) {
  return static_cast<int64_t>(static_cast<uint64_t>(encoded) & kChildIdMask);
}

}  // namespace recis::embedding

// The hash IdMap and the admission filter apply to feature ids: MurmurHash3's 64-bit finalizer,
// a bijection that spreads every input bit over the whole word. IdMap takes the shard from the top
// bits, the group from the middle bits and the 7-bit tag from the low bits. Pure, thread-safe.
#pragma once

#include <cstdint>

namespace recis::embedding {

inline uint64_t hash_id(int64_t id) {
  uint64_t x = static_cast<uint64_t>(id);
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

}  // namespace recis::embedding

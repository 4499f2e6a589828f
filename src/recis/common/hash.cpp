#include "recis/common/hash.h"

#include <farmhash.h>

#include <cstring>
#include <limits>
#include <string>

#include "recis/common/error.h"

namespace recis {

uint64_t farm_fingerprint64(const void* data, std::size_t size) {
  return util::Fingerprint64(static_cast<const char*>(data), size);
}

// MurmurHash64A (Austin Appleby, public domain algorithm), little-endian reads.
uint64_t murmur_hash64a(const void* data, std::size_t size, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  const auto* bytes = static_cast<const unsigned char*>(data);
  uint64_t h = seed ^ (size * m);
  const std::size_t blocks = size / 8;
  for (std::size_t i = 0; i < blocks; ++i) {
    uint64_t k;
    std::memcpy(&k, bytes + i * 8, 8);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const unsigned char* tail = bytes + blocks * 8;
  switch (size & 7) {
    case 7: h ^= uint64_t(tail[6]) << 48; [[fallthrough]];
    case 6: h ^= uint64_t(tail[5]) << 40; [[fallthrough]];
    case 5: h ^= uint64_t(tail[4]) << 32; [[fallthrough]];
    case 4: h ^= uint64_t(tail[3]) << 24; [[fallthrough]];
    case 3: h ^= uint64_t(tail[2]) << 16; [[fallthrough]];
    case 2: h ^= uint64_t(tail[1]) << 8; [[fallthrough]];
    case 1:
      h ^= uint64_t(tail[0]);
      h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

HashKind parse_hash_kind(std::string_view name, std::string_view what) {
  if (name == "farm") return HashKind::Farm;
  if (name == "murmur") return HashKind::Murmur;
  if (name == "none") return HashKind::None;
  throw ConfigError(std::string(what) + ": hash '" + std::string(name) +
                    "' is not one of farm, murmur, none");
}

int64_t hash_to_id(HashKind kind, std::string_view bytes, uint64_t bucket) {
  if (kind == HashKind::None) throw Error("hash_to_id: byte strings need a hash (farm or murmur)");
  const uint64_t h = kind == HashKind::Farm ? farm_fingerprint64(bytes) : murmur_hash64a(bytes);
  if (bucket == 0) return static_cast<int64_t>(h & uint64_t(std::numeric_limits<int64_t>::max()));
  return static_cast<int64_t>(h % bucket);
}

}  // namespace recis

// The id hashes RecIS uses for string features and crosses: FarmHash Fingerprint64 (Debian's
// libfarmhash) and MurmurHash64A with seed 0. Both return the full 64 bits; RecIS treats the
// result as a signed int64. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace recis {

uint64_t farm_fingerprint64(const void* data, std::size_t size);
uint64_t murmur_hash64a(const void* data, std::size_t size, uint64_t seed = 0);

inline uint64_t farm_fingerprint64(std::string_view bytes) {
  return farm_fingerprint64(bytes.data(), bytes.size());
}
inline uint64_t murmur_hash64a(std::string_view bytes, uint64_t seed = 0) {
  return murmur_hash64a(bytes.data(), bytes.size(), seed);
}

enum class HashKind { None, Farm, Murmur };

// Parses "farm" | "murmur" | "none"; throws ConfigError naming `what` otherwise.
HashKind parse_hash_kind(std::string_view name, std::string_view what);

// Hashes `bytes` with `kind` (None is not valid here) and maps the result as RecIS's string
// columns do: bucket 0 keeps the non-negative 63 bits (h & INT64_MAX), bucket > 0 takes the
// unsigned remainder h % bucket.
int64_t hash_to_id(HashKind kind, std::string_view bytes, uint64_t bucket);

}  // namespace recis

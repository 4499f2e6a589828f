// Counter-based randomness for the sample-data generator: every row draws from its own stream
// seeded by (seed, row index), and every hidden-model weight is a pure function of a hashed key,
// so the data do not depend on how rows are split into files or threads.
// Called by criteo_rows.cpp and hidden_model.cpp. Thread-safety: mix64 and the hashed_* functions
// are pure; a CounterRandom is a small value owned by one thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <utility>

namespace recis::datagen {

// A bijective 64-bit mixer (the SplitMix64 / MurmurHash3 finalizer).
inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Hashes a key of several parts (seed, column, id, ...) to 64 bits.
inline std::uint64_t hash_key(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0,
                              std::uint64_t d = 0) {
  std::uint64_t h = mix64(a + 0x9e3779b97f4a7c15ULL);
  h = mix64(h ^ (b + 0x632be59bd9b4e019ULL));
  h = mix64(h ^ (c + 0x8cb92ba72f3d8dd7ULL));
  return mix64(h ^ (d + 0x2545f4914f6cdd1dULL));
}

// Uniform in the open interval (0, 1) from the top 53 bits.
inline double unit_open(std::uint64_t bits) {
  return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53;
}

// Two independent standard normal values that are a pure function of `key` (Box-Muller).
inline std::pair<double, double> hashed_normal_pair(std::uint64_t key) {
  const double radius = std::sqrt(-2.0 * std::log(unit_open(key)));
  const double angle = 2.0 * std::numbers::pi * unit_open(mix64(key ^ 0xd1b54a32d192ed03ULL));
  return {radius * std::cos(angle), radius * std::sin(angle)};
}

// A standard normal value that is a pure function of `key`.
inline double hashed_normal(std::uint64_t key) { return hashed_normal_pair(key).first; }

// SplitMix64: a tiny sequential generator, here seeded per row.
class CounterRandom {
 public:
  explicit CounterRandom(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  double uniform() { return unit_open(next()); }
  // Uniform integer in [0, n), n >= 1 (multiply-shift; the bias is below 2^-32 for n < 2^32).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  bool chance(double probability) { return uniform() < probability; }
  double normal() { return hashed_normal(next()); }

 private:
  std::uint64_t state_;
};

}  // namespace recis::datagen

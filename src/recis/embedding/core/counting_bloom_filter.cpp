#include "recis/embedding/core/counting_bloom_filter.h"

#include <algorithm>
#include <string>

#include "recis/common/error.h"
#include "recis/embedding/core/id_hash.h"

namespace recis::embedding {
namespace {

// Salted so the filter's hashes are independent of IdMap's hash_id(id).
constexpr uint64_t kLineSalt = 0x2545F4914F6CDD1DULL;
constexpr uint64_t kPositionSalt = 0x9E3779B97F4A7C15ULL;

}  // namespace

CountingBloomFilter::CountingBloomFilter(std::size_t counters, int hashes)
    : lines_(std::max<std::size_t>(1, (counters + 63) / 64)), hashes_(hashes) {
  if (hashes < 1 || hashes > 8) {
    throw ConfigError("counting Bloom filter: hashes " + std::to_string(hashes) +
                      " must be in [1, 8]");
  }
  if (counters > (std::size_t{1} << 40)) {
    throw ConfigError("counting Bloom filter: " + std::to_string(counters) +
                      " counters is more than 2^40");
  }
  counters_ = std::make_unique<std::atomic<uint8_t>[]>(lines_ * 64);
}

CountingBloomFilter::Probe CountingBloomFilter::probe(int64_t id) const {
  const uint64_t hash = hash_id(id);
  const uint64_t line_hash = hash_id(static_cast<int64_t>(hash ^ kLineSalt));
  // The high 64 bits of line_hash * lines: a uniform line index without a division.
  const auto line =
      static_cast<std::size_t>((static_cast<unsigned __int128>(line_hash) * lines_) >> 64);
  return {counters_.get() + line * 64, hash_id(static_cast<int64_t>(hash ^ kPositionSalt))};
}

uint32_t CountingBloomFilter::minimum(const Probe& p) const {
  uint32_t smallest = 255;
  for (int k = 0; k < hashes_; ++k) {
    smallest = std::min<uint32_t>(smallest,
                                  p.line[position(p.positions, k)].load(std::memory_order_relaxed));
  }
  return smallest;
}

uint32_t CountingBloomFilter::add(int64_t id, uint32_t count) {
  const Probe p = probe(id);
  const auto target = static_cast<uint8_t>(std::min<uint32_t>(255, minimum(p) + count));
  for (int k = 0; k < hashes_; ++k) {
    std::atomic<uint8_t>& counter = p.line[position(p.positions, k)];
    uint8_t seen = counter.load(std::memory_order_relaxed);
    while (seen < target &&
           !counter.compare_exchange_weak(seen, target, std::memory_order_relaxed)) {
    }
  }
  return target;
}

uint32_t CountingBloomFilter::estimate(int64_t id) const { return minimum(probe(id)); }

void CountingBloomFilter::clear() {
  for (std::size_t i = 0; i < counters(); ++i) counters_[i].store(0, std::memory_order_relaxed);
}


void CountingBloomFilter::save(std::span<uint8_t> out) const {
  if (out.size() != counters()) {
    throw Error("counting Bloom filter: save into " + std::to_string(out.size()) +
                " bytes; the filter has " + std::to_string(counters()) + " counters");
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = counters_[i].load(std::memory_order_relaxed);
  }
}

void CountingBloomFilter::load(std::span<const uint8_t> in) {
  if (in.size() != counters()) {
    throw Error("counting Bloom filter: load of " + std::to_string(in.size()) +
                " counters into a filter of " + std::to_string(counters()));
  }
  for (std::size_t i = 0; i < in.size(); ++i) {
    counters_[i].store(in[i], std::memory_order_relaxed);
  }
}

}  // namespace recis::embedding

// `recis bench hash`: hashing string feature values (16-byte keys, as hashed at read time) with
// FarmHash Fingerprint64 vs std::hash<std::string_view> in the same run, in million keys/s.
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bench_registry.h"
#include "recis/common/hash.h"

namespace recis::bench {
namespace {

int run_hash_bench(const std::vector<std::string>&) {
  constexpr std::size_t kKeys = 2'000'000;
  std::mt19937_64 rng(42);
  std::vector<std::string> keys(kKeys);
  for (auto& key : keys) key = std::to_string(rng()).substr(0, 16);

  uint64_t sink = 0;
  auto measure = [&](const char* label, const std::function<uint64_t(std::string_view)>& hash) {
    const double seconds = best_seconds(3, [&] {
      for (const auto& key : keys) sink += hash(key);
    });
    const double mkeys = kKeys / seconds / 1e6;
    std::printf("%-10s %8.1f M keys/s\n", label, mkeys);
    return mkeys;
  };
  const double farm = measure("farm", [](std::string_view k) { return farm_fingerprint64(k); });
  const double murmur = measure("murmur", [](std::string_view k) { return murmur_hash64a(k); });
  const double baseline =
      measure("std::hash", [](std::string_view k) { return std::hash<std::string_view>{}(k); });
  print_bench_result("hash", farm, baseline, "M keys/s",
                     {{"murmur", murmur}, {"keys", kKeys}, {"checksum", sink % 1000}});
  return 0;
}

RECIS_REGISTER_BENCH("hash", "FarmHash Fingerprint64 vs std::hash over 16-byte keys",
                     run_hash_bench);

}  // namespace
}  // namespace recis::bench

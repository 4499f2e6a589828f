#include "bench_registry.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

namespace recis::bench {

std::vector<BenchSpec>& registered_benches() {
  static std::vector<BenchSpec> benches;
  return benches;
}

BenchRegistrar::BenchRegistrar(BenchSpec spec) {
  auto& benches = registered_benches();
  const auto position = std::lower_bound(
      benches.begin(), benches.end(), spec.name,
      [](const BenchSpec& existing, const std::string& name) { return existing.name < name; });
  benches.insert(position, std::move(spec));
}

void print_bench_result(const std::string& name, double ours, double baseline,
                        const std::string& unit, const nlohmann::json& extra) {
  nlohmann::ordered_json line;
  line["bench"] = name;
  for (const auto& [key, value] : extra.items()) line[key] = value;
  line["ours"] = ours;
  line["baseline"] = baseline;
  line["ratio"] = baseline > 0 ? ours / baseline : 0.0;
  line["unit"] = unit;
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
}

double best_seconds(int repeats, const std::function<void()>& fn) {
  double best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
  }
  return best;
}

}  // namespace recis::bench

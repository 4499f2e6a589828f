#include "bench_registry.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <memory>

#include "recis/common/error.h"

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

nlohmann::json run_for_json(const std::string& command, const std::string& what) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw Error(what + ": cannot run " + command);
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe.get())) output += buffer;
  const int status = pclose(pipe.release());
  const std::size_t line = output.rfind("\n{");
  const std::size_t start = output.starts_with("{") && line == std::string::npos ? 0 : line + 1;
  if (status != 0 || (line == std::string::npos && !output.starts_with("{"))) {
    throw Error(what + " failed: " + command);
  }
  return nlohmann::json::parse(output.substr(start));
}

}  // namespace recis::bench

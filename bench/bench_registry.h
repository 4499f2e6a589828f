// End-to-end benchmarks run by `recis bench NAME [ARGS...]`. Each bench file registers itself with
// RECIS_REGISTER_BENCH, prints human-readable rows while it runs and, last, exactly one JSON line
// through print_bench_result: {"bench": NAME, ..., "ours": X, "baseline": Y, "ratio": X/Y,
// "unit": "..."}, where the baseline is measured in the same run. Registration happens before
// main(); benches run one at a time.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace recis::bench {

struct BenchSpec {
  std::string name;
  std::string description;
  // Receives the arguments after the bench name; returns the process exit code.
  std::function<int(const std::vector<std::string>& args)> run;
};

std::vector<BenchSpec>& registered_benches();

struct BenchRegistrar {
  explicit BenchRegistrar(BenchSpec spec);
};

// Prints the closing JSON line; `extra` fields come between "bench" and "ours".
void print_bench_result(const std::string& name, double ours, double baseline,
                        const std::string& unit, const nlohmann::json& extra = nlohmann::json::object());

// Seconds of wall time taken by fn(), best of `repeats` runs.
double best_seconds(int repeats, const std::function<void()>& fn);

// Runs `command` through the shell and parses the last JSON object it printed on stdout (a
// baseline script, a `recis train` child). Throws Error naming `what` and the command when it
// fails or prints none.
nlohmann::json run_for_json(const std::string& command, const std::string& what);

}  // namespace recis::bench

#define RECIS_BENCH_CONCAT_INNER(a, b) a##b
#define RECIS_BENCH_CONCAT(a, b) RECIS_BENCH_CONCAT_INNER(a, b)
#define RECIS_REGISTER_BENCH(NAME, DESCRIPTION, RUN)                            \
  static const ::recis::bench::BenchRegistrar RECIS_BENCH_CONCAT(bench_registrar_, \
                                                                 __LINE__)({NAME, DESCRIPTION, RUN})

// `recis bench contention [--rows N]`: DeepFM training (fp32 and bf16) on an idle machine and
// beside one busy-loop process, started the way it ran before the front end (bin/recis-torch
// with libgomp's default wait policy: its threads spin at every barrier) and the way bin/recis
// starts it now (OMP_WAIT_POLICY=PASSIVE set before libtorch loads). Each of the 8 runs is a
// child `train` process on the same data and config, in this run. ratio = now / before, fp32
// beside the busy process.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "bench_flags.h"
#include "bench_registry.h"
#include "deepfm_bench_config.h"
#include "executables.h"
#include "recis/common/error.h"
#include "scratch_dir.h"

namespace recis::bench {
namespace {

// A process spinning on one core until destroyed.
class BusyLoop {
 public:
  BusyLoop() : pid_(fork()) {
    if (pid_ < 0) throw Error("bench contention: fork failed");
    if (pid_ == 0) {
      for (volatile uint64_t spin = 0;; spin = spin + 1) {
      }
    }
  }
  ~BusyLoop() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  BusyLoop(const BusyLoop&) = delete;
  BusyLoop& operator=(const BusyLoop&) = delete;

 private:
  pid_t pid_;
};

double samples_per_s(const std::string& executable, const std::filesystem::path& config,
                     bool bf16) {
  const std::string command = "env -u OMP_WAIT_POLICY " + executable + " train --config '" +
                              config.string() + "'" + (bf16 ? " --bf16" : "") + " 2>/dev/null";
  return run_for_json(command, "bench contention: training")["samples_per_s"].get<double>();
}

int run_contention_bench(const std::vector<std::string>& args) {
  std::size_t rows = 200'000;
  parse_bench_flags("contention", args, {positive_integer_flag("--rows", &rows)});
  const ScratchDir dir("contention");
  generate_deepfm_bench_data(dir.path(), rows, rows / 20, 2);
  const std::filesystem::path config = dir.path() / "deepfm.toml";
  std::ofstream(config) << deepfm_bench_config(dir.path(), 4096, false);

  const std::string before = shell_quoted(torch_executable());
  const std::string now = shell_quoted(front_end_executable());
  nlohmann::json results;
  std::printf("%-6s %-6s %16s %16s %7s\n", "dtype", "load", "before samples/s", "now samples/s",
              "now/bef");
  for (const bool bf16 : {false, true}) {
    for (const bool busy : {false, true}) {
      std::optional<BusyLoop> loop;
      if (busy) loop.emplace();
      const double b = samples_per_s(before, config, bf16);
      const double n = samples_per_s(now, config, bf16);
      loop.reset();
      const std::string key = std::string(bf16 ? "bf16" : "fp32") + (busy ? "_busy" : "_idle");
      results[key] = {{"before", b}, {"now", n}};
      std::printf("%-6s %-6s %16.0f %16.0f %7.2f\n", bf16 ? "bf16" : "fp32",
                  busy ? "busy" : "idle", b, n, n / b);
    }
  }
  print_bench_result("contention", results["fp32_busy"]["now"].get<double>(),
                     results["fp32_busy"]["before"].get<double>(), "samples/s",
                     {{"rows", rows},
                      {"results", results},
                      {"baseline_source",
                       "bin/recis-torch with libgomp's default wait policy, this run"}});
  return 0;
}

RECIS_REGISTER_BENCH("contention",
                     "training beside a busy process: libgomp's default vs OMP_WAIT_POLICY=PASSIVE",
                     run_contention_bench);

}  // namespace
}  // namespace recis::bench

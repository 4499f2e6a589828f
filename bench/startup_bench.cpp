// `recis bench startup [--repeats N]`: whole-process wall time of the torch-free commands, run by
// the front end bin/recis (no libtorch loaded) vs the same command run by bin/recis-torch, which
// loads libtorch as every command did before the split. Commands: `--version` and `orc meta` of
// a small file. Best of N runs each; ratio = torch executable's time / front end's time on
// `orc meta` (how many times faster a torch-free command starts).
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench_flags.h"
#include "bench_registry.h"
#include "executables.h"
#include "recis/common/error.h"
#include "recis/datagen/criteo_generator.h"
#include "scratch_dir.h"

namespace recis::bench {
namespace {

// Best wall seconds of `repeats` runs of the command, stdout and stderr discarded.
double best_process_seconds(int repeats, const std::vector<std::string>& command) {
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    run_child(command);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                              .count());
  }
  return best;
}

int run_startup_bench(const std::vector<std::string>& args) {
  int repeats = 10;
  parse_bench_flags("startup", args, {positive_integer_flag("--repeats", &repeats)});
  const ScratchDir dir("startup");
  datagen::generate_criteo(
      datagen::CriteoOptions().with_out_dir(dir.path()).with_rows(1000).with_parts(1));
  const std::string file = (dir.path() / "part-00000.orc").string();

  const std::string front = front_end_executable().string();
  const std::string torch = torch_executable().string();
  struct Row {
    const char* what;
    double front_s;
    double torch_s;
  };
  const Row rows[] = {
      {"--version", best_process_seconds(repeats, {front, "--version"}),
       best_process_seconds(repeats, {torch, "--version"})},
      {"orc meta FILE", best_process_seconds(repeats, {front, "orc", "meta", file}),
       best_process_seconds(repeats, {torch, "orc", "meta", file})},
  };
  std::printf("%-16s %14s %14s\n", "command", "bin/recis", "bin/recis-torch");
  for (const Row& row : rows) {
    std::printf("%-16s %11.1f ms %11.1f ms\n", row.what, row.front_s * 1e3, row.torch_s * 1e3);
  }
  print_bench_result("startup", 1.0 / rows[1].front_s, 1.0 / rows[1].torch_s, "starts/s",
                     {{"version_ms", rows[0].front_s * 1e3},
                      {"version_torch_ms", rows[0].torch_s * 1e3},
                      {"orc_meta_ms", rows[1].front_s * 1e3},
                      {"orc_meta_torch_ms", rows[1].torch_s * 1e3},
                      {"repeats", repeats},
                      {"baseline_source", "the same command run by bin/recis-torch, this run"}});
  return 0;
}

RECIS_REGISTER_BENCH("startup", "torch-free commands' start time: bin/recis vs bin/recis-torch",
                     run_startup_bench);

}  // namespace
}  // namespace recis::bench

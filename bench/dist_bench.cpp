// `recis bench dist [--rows N] [--batch-size N] [--ranks N]`: DeepFM training on one machine as
// one process and as N ranks (`recis launch`, row-sharded embeddings, all-reduced dense
// gradients) on the same global batch, in the same run. Reports per optimizer step, from rank 0:
// the bytes the embedding exchange sent to other ranks against the minimum the issue sets
// (2 x unique ids x dim x 4 bytes: every row fetched once, every gradient returned once), the
// bytes of every collective, and the time split into communication (inside collectives, waits
// for slower ranks included) and the rest (compute and data). ratio = N-rank / 1-rank samples/s;
// on one machine the ranks share its cores (each gets cpus / N threads), so this measures the
// cost of the distributed path, not a speed-up.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_flags.h"
#include "bench_registry.h"
#include "deepfm_bench_config.h"
#include "executables.h"
#include "recis/common/error.h"
#include "scratch_dir.h"

namespace recis::bench {
namespace {

struct Options {
  std::size_t rows = 200'000;
  int64_t batch_size = 4096;  // global: each of N ranks reads batch_size / N rows a step
  std::size_t ranks = 2;
};

nlohmann::json run_training(const std::string& launcher, const std::filesystem::path& config,
                            const std::filesystem::path& output, int64_t batch_size) {
  const std::string command = launcher + " train --config '" + config.string() +
                              "' --set data.batch_size=" + std::to_string(batch_size) +
                              " --set train.output='\"" + output.string() + "\"' 2>/dev/null";
  return run_for_json(command, "bench dist: training");
}

void print_row(const char* what, const nlohmann::json& summary, double comm_ms, double total_ms) {
  std::printf("%-10s %12.0f samples/s  %8.1f ms/step  communication %7.1f ms  rest %7.1f ms  "
              "eval auc %.4f\n",
              what, summary["samples_per_s"].get<double>(), total_ms, comm_ms, total_ms - comm_ms,
              summary["auc"].get<double>());
}

int run_dist_bench(const std::vector<std::string>& args) {
  Options options;
  parse_bench_flags("dist", args,
                    {positive_integer_flag("--rows", &options.rows),
                     positive_integer_flag("--batch-size", &options.batch_size),
                     positive_integer_flag("--ranks", &options.ranks)});
  const auto ranks = static_cast<int64_t>(options.ranks);
  if (options.ranks < 2 || options.batch_size % ranks != 0) {
    throw ConfigError("bench dist: --ranks must be >= 2 and divide --batch-size");
  }
  const ScratchDir dir("dist");
  generate_deepfm_bench_data(dir.path(), options.rows, options.rows / 10, 4 * options.ranks);
  const std::filesystem::path config = dir.path() / "deepfm.toml";
  std::ofstream(config) << deepfm_bench_config(dir.path(), options.batch_size, false);

  const std::string recis = shell_quoted(torch_executable());
  const nlohmann::json one = run_training(recis, config, dir.path() / "one", options.batch_size);
  const nlohmann::json many =
      run_training(recis + " launch -n " + std::to_string(ranks) + " --", config,
                   dir.path() / "many", options.batch_size / ranks);

  const double steps = many["steps"].get<double>();
  const nlohmann::json& traffic = many["communication"];
  const double embedding_sent = traffic["embedding_bytes_sent"].get<double>() / steps;
  const double minimum = traffic["embedding_minimum_bytes"].get<double>() / steps;
  const double all_sent = traffic["bytes_sent"].get<double>() / steps;
  const double comm_ms = 1000 * traffic["seconds"].get<double>() / steps;
  const double many_ms = 1000 * many["seconds"].get<double>() / steps;
  const double one_ms = 1000 * one["seconds"].get<double>() / one["steps"].get<double>();
  print_row("1 rank", one, 0, one_ms);
  print_row((std::to_string(ranks) + " ranks").c_str(), many, comm_ms, many_ms);
  std::printf("rank 0 per step: embedding exchange sent %.2f MB (minimum %.2f MB, ratio %.2f), "
              "all collectives %.2f MB\n",
              embedding_sent / 1e6, minimum / 1e6, embedding_sent / minimum, all_sent / 1e6);
  print_bench_result(
      "dist", many["samples_per_s"].get<double>(), one["samples_per_s"].get<double>(), "samples/s",
      {{"rows", options.rows},
       {"global_batch_size", options.batch_size},
       {"ranks", ranks},
       {"steps", steps},
       {"embedding_bytes_per_step", embedding_sent},
       {"minimum_bytes_per_step", minimum},
       {"bytes_vs_minimum", embedding_sent / minimum},
       {"all_collective_bytes_per_step", all_sent},
       {"ms_per_step", {{"one_rank", one_ms}, {"ranks", many_ms}}},
       {"communication_ms_per_step", comm_ms},
       {"embedding_exchange_ms_per_step",
        1000 * traffic["embedding_seconds"].get<double>() / steps},
       {"auc", {{"one_rank", one["auc"]}, {"ranks", many["auc"]}}},
       {"baseline", "the same training as one process, this run"}});
  return 0;
}

RECIS_REGISTER_BENCH("dist", "DeepFM on N local ranks vs one process: exchange bytes, comm time",
                     run_dist_bench);

}  // namespace
}  // namespace recis::bench

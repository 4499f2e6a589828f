// `recis bench tiered [--rows N] [--fractions 50,10]`: the benchmark DeepFM
// (deepfm_bench_config.h, gen-data's Zipf ids, fp32, one epoch) trained by `recis train` as a
// user runs it, first with every row in RAM, then with a RAM budget per table of each given
// percentage of that run's rows (the rest in the disk tier, tables larger than memory). Each run
// is its own process: samples/s from its summary, peak RSS from wait4. The baseline is the
// all-in-RAM run of the same invocation; ratio = samples/s at the smallest fraction / all in RAM.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench_flags.h"
#include "bench_registry.h"
#include "deepfm_bench_config.h"
#include "executables.h"
#include "recis/common/error.h"
#include "scratch_dir.h"

namespace recis::bench {
namespace {

struct TrainRun {
  nlohmann::json summary;
  double peak_rss_mb = 0;
};

// Runs `recis train` with `args`, stdout to `log`; the summary is its last line.
TrainRun run_train(const std::vector<std::string>& args, const std::filesystem::path& log) {
  const rusage usage = run_child(args, log);
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return {nlohmann::json::parse(last), static_cast<double>(usage.ru_maxrss) / 1024.0};
}

int run(const std::vector<std::string>& args) {
  std::size_t rows = 300000;
  std::vector<std::string> fraction_texts;
  parse_bench_flags("tiered", args,
                    {positive_integer_flag("--rows", &rows), list_flag("--fractions", &fraction_texts)});
  std::vector<int64_t> percents;
  for (const std::string& text : fraction_texts) {
    const int64_t percent = parse_positive_integer(text);
    if (percent >= 100) throw ConfigError("bench tiered: --fractions are percentages below 100");
    percents.push_back(percent);
  }
  if (percents.empty()) percents = {50, 10};

  const ScratchDir dir("tiered");
  generate_deepfm_bench_data(dir.path(), rows, 20000);
  const std::filesystem::path config = dir.path() / "deepfm.toml";
  std::ofstream(config) << deepfm_bench_config(dir.path(), 4096, false);
  auto train = [&](const std::string& name, const std::vector<std::string>& extra) {
    std::vector<std::string> command = {front_end_executable().string(), "train", "--config",
                                        config.string(), "--output", (dir.path() / name).string()};
    command.insert(command.end(), extra.begin(), extra.end());
    return run_train(command, dir.path() / (name + ".out"));
  };

  struct Row {
    std::string label;
    TrainRun run;
  };
  std::vector<Row> results;
  results.push_back({"100%", train("all", {})});
  const auto total_rows = results[0].run.summary["embedding_rows"].get<uint64_t>();
  // Two merged tables (16-dim and wide) of 26 features each hold the same ids: each feature's
  // share of its table's budget is the percentage of total_rows / 52.
  for (const int64_t percent : percents) {
    const uint64_t per_feature =
        std::max<uint64_t>(1, total_rows * static_cast<uint64_t>(percent) / 100 / (2 * kDeepFmSparse));
    results.push_back({std::to_string(percent) + "%",
                       train("p" + std::to_string(percent),
                             {"--set", "embedding_defaults.memory_rows=" + std::to_string(per_feature)})});
  }

  const double all_speed = results[0].run.summary["samples_per_s"].get<double>();
  std::printf("%zu gen-data rows, one epoch, %llu embedding rows in all\n", rows,
              static_cast<unsigned long long>(total_rows));
  std::printf("%-8s %12s %12s %14s %10s %14s %10s\n", "in RAM", "RAM rows", "disk rows",
              "samples/s", "vs 100%", "peak RSS MB", "AUC");
  nlohmann::json runs = nlohmann::json::array();
  for (const Row& row : results) {
    const nlohmann::json& s = row.run.summary;
    const bool tiered = s.contains("disk_tier");
    const uint64_t ram = tiered ? s["disk_tier"]["ram_rows"].get<uint64_t>() : total_rows;
    const uint64_t disk = tiered ? s["disk_tier"]["disk_rows"].get<uint64_t>() : 0;
    const double speed = s["samples_per_s"].get<double>();
    std::printf("%-8s %12llu %12llu %14.0f %10.3f %14.0f %10.4f\n", row.label.c_str(),
                static_cast<unsigned long long>(ram), static_cast<unsigned long long>(disk), speed,
                speed / all_speed, row.run.peak_rss_mb, s.value("auc", 0.0));
    runs.push_back({{"in_ram", row.label}, {"ram_rows", ram}, {"disk_rows", disk},
                    {"samples_per_s", speed}, {"peak_rss_mb", row.run.peak_rss_mb},
                    {"auc", s.value("auc", 0.0)}});
  }
  print_bench_result("tiered", results.back().run.summary["samples_per_s"].get<double>(), all_speed,
                     "samples/s (smallest RAM fraction vs all in RAM)",
                     {{"rows", rows}, {"embedding_rows", total_rows}, {"runs", runs},
                      {"baseline_source", "the same DeepFM all in RAM, this run"}});
  return 0;
}

RECIS_REGISTER_BENCH("tiered", "DeepFM with 100% / 50% / 10% of each table's rows in RAM: samples/s, peak RSS", run);

}  // namespace
}  // namespace recis::bench

// `recis bench python-train [--rows N] [--eval-rows N] [--batch-size N] [--buckets N]
// [--precision fp32|bf16|both] [--repeats N]`: DeepFM training driven from Python — examples/python/deepfm
// (FeatureEngine + EmbeddingEngine + torch layers, recis.framework.Trainer) run by
// /usr/bin/python3 on the package built next to this binary — vs `recis train` on the equivalent
// config (bench/deepfm_bench_config.h: same columns, model, initializers, Adam rates, batch size,
// threads), and vs the plain PyTorch DeepFM (bench/deepfm_torch_baseline.h), on the same gen-data
// files in one run. Reports samples/s of each training loop (the best of --repeats runs, taken in
// turns, C++ then Python: this machine kind's throughput drifts 20% from run to run) and each eval
// AUC. ratio = Python / C++ samples/s (fp32; bf16 in "bf16"); "vs_torch" = Python fp32 / PyTorch
// baseline. On a CPU without native bf16 a bf16 run takes about 15 times as long as an fp32 one.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_flags.h"
#include "bench_registry.h"
#include "deepfm_bench_config.h"
#include "deepfm_torch_baseline.h"
#include "executables.h"
#include "recis/common/error.h"
#include "recis/common/threads.h"
#include "recis/datagen/criteo_generator.h"
#include "recis/train/trainer.h"
#include "scratch_dir.h"

namespace recis::bench {
namespace {

struct Options {
  std::size_t rows = 200'000;
  std::size_t eval_rows = 50'000;
  int64_t batch_size = 4096;
  int64_t buckets = 1 << 18;
  std::string precision = "both";
  int repeats = 3;
};

struct Run {
  double samples_per_s = 0;
  double auc = 0;
};

Run run_cli(const std::filesystem::path& dir, const Options& options, bool bf16) {
  train::Trainer trainer(train::parse_experiment_config(
      deepfm_bench_config(dir, options.batch_size, bf16), "bench-python-train.toml", {}));
  const train::TrainSummary summary = trainer.train_and_evaluate();
  return {summary.samples_per_s, summary.eval->auc};
}

Run run_python(const std::filesystem::path& dir, const Options& options, bool bf16) {
  const std::filesystem::path out = dir / (bf16 ? "python-bf16" : "python-fp32");
  const std::string threads = std::to_string(configured_threads());
  const std::string command =
      "PYTHONPATH='" + (bin_dir().parent_path() / "python").string() +
      "' /usr/bin/python3 " RECIS_EXAMPLES_DIR "/python/deepfm/runner.py --train_paths '" +
      (dir / "train").string() + "' --eval_paths '" + (dir / "eval").string() +
      "' --output_dir '" + out.string() + "' --batch_size " + std::to_string(options.batch_size) +
      " --threads " + threads + " --read_threads " + threads + " --sparse_lr " +
      std::to_string(kDeepFmSparseLr) + " --dense_lr " + std::to_string(kDeepFmDenseLr) +
      " --log_steps 1000000 --save_end false" + (bf16 ? " --mixed_precision bf16" : "") +
      " 2>/dev/null";
  const nlohmann::json result = run_for_json(
      command, "bench python-train: the Python DeepFM (is the recis package built?)");
  return {result.at("samples_per_s").get<double>(), result.at("auc").get<double>()};
}

int run_python_train_bench(const std::vector<std::string>& args) {
  Options options;
  parse_bench_flags("python-train", args,
                    {positive_integer_flag("--rows", &options.rows),
                     positive_integer_flag("--eval-rows", &options.eval_rows),
                     positive_integer_flag("--batch-size", &options.batch_size),
                     positive_integer_flag("--buckets", &options.buckets),
                     string_flag("--precision", &options.precision),
                     positive_integer_flag("--repeats", &options.repeats)});
  if (options.precision != "fp32" && options.precision != "bf16" && options.precision != "both") {
    throw ConfigError("bench python-train: --precision must be fp32, bf16 or both, got '" +
                      options.precision + "'");
  }
  const ScratchDir dir("python-train");
  const datagen::GenerationSummary generated =
      generate_deepfm_bench_data(dir.path(), options.rows, options.eval_rows);
  std::printf("data: %zu training + %zu eval rows, Bayes-optimal AUC %.4f, %zu threads\n",
              options.rows, options.eval_rows, generated.bayes_auc, configured_threads());

  auto report = [](const char* what, const Run& run) {
    std::printf("%-44s %10.0f samples/s  eval auc %.4f\n", what, run.samples_per_s, run.auc);
  };
  auto best = [](Run& kept, const Run& run) {
    if (run.samples_per_s > kept.samples_per_s) kept = run;
  };
  auto pair = [&](bool bf16) {
    Run cli, python;
    for (int repeat = 0; repeat < options.repeats; ++repeat) {
      best(cli, run_cli(dir.path(), options, bf16));
      best(python, run_python(dir.path(), options, bf16));
    }
    report(bf16 ? "recis train DeepFM (bf16)" : "recis train DeepFM (fp32)", cli);
    report(bf16 ? "Python DeepFM, recis Trainer (bf16)" : "Python DeepFM, recis Trainer (fp32)",
           python);
    return std::make_pair(cli, python);
  };
  auto summary = [](const std::pair<Run, Run>& runs) {
    return nlohmann::json{{"cli_samples_per_s", runs.first.samples_per_s},
                          {"python_samples_per_s", runs.second.samples_per_s},
                          {"ratio", runs.second.samples_per_s / runs.first.samples_per_s},
                          {"cli_auc", runs.first.auc},
                          {"python_auc", runs.second.auc},
                          {"auc_difference", runs.second.auc - runs.first.auc}};
  };
  std::optional<std::pair<Run, Run>> fp32, bf16;
  if (options.precision != "bf16") fp32 = pair(false);
  if (options.precision != "fp32") bf16 = pair(true);
  nlohmann::json extra{{"rows", options.rows},
                       {"eval_rows", options.eval_rows},
                       {"batch_size", options.batch_size},
                       {"threads", configured_threads()},
                       {"repeats", options.repeats},
                       {"bayes_auc", generated.bayes_auc},
                       {"baseline_source", "recis train on the equivalent config, this run"}};
  if (bf16) extra["bf16"] = summary(*bf16);
  const std::pair<Run, Run>& headline = fp32 ? *fp32 : *bf16;
  if (fp32) {
    extra["fp32"] = summary(*fp32);
    const nlohmann::json torch =
        run_deepfm_torch_baseline(dir.path(), options.batch_size, options.buckets, "python-train");
    std::printf("%-44s %10.0f samples/s  eval auc %.4f\n", "PyTorch DeepFM (EmbeddingBag, fp32)",
                torch["samples_per_s"].get<double>(), torch["auc"].get<double>());
    extra["torch_samples_per_s"] = torch["samples_per_s"];
    extra["torch_auc"] = torch["auc"];
    extra["vs_torch"] = fp32->second.samples_per_s / torch["samples_per_s"].get<double>();
  }
  print_bench_result("python-train", headline.second.samples_per_s, headline.first.samples_per_s,
                     "samples/s", extra);
  return 0;
}

RECIS_REGISTER_BENCH("python-train",
                     "Python DeepFM with recis.framework.Trainer vs recis train vs plain PyTorch",
                     run_python_train_bench);

}  // namespace
}  // namespace recis::bench

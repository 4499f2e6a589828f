// `recis bench train [--rows N] [--eval-rows N] [--batch-size N] [--buckets N] [--read-threads N]
// [--breakdown]`:
// DeepFM training
// throughput and quality on `recis gen-data` data, ours vs a plain PyTorch DeepFM as a user
// writes it (bench/baselines/deepfm_torch.py on Debian's python3-torch: nn.EmbeddingBag
// (sparse=True) over hashed fixed-size tables, SparseAdam + Adam), same model shape, data, batch
// size, learning rates and thread count, in the same run. Reports samples/s of the training loop
// (both include their own input handling: ours reads ORC, the baseline slices arrays already in
// memory) and the eval AUC of each. Ours runs twice: in float32 as the baseline does, and with the
// dense model under bfloat16 autocast (train.bf16, what `recis train --bf16` does; embedding rows
// and optimizer state stay float32). ratio = ours (bf16) / baseline samples/s; the float32 run's
// numbers are in "fp32". Each of our runs reports where its time went, in ms per step
// (train::StepPhases; printed as a table with --breakdown, always in the JSON line). Two more bf16
// runs: "in_memory" trains from the same batches read into memory beforehand (streaming /
// in-memory samples/s says how well IO is hidden) and "bf16_rows" stores the deep embedding rows
// in bfloat16 (its AUC minus the fp32-rows run's).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_flags.h"
#include "bench_registry.h"
#include "deepfm_bench_config.h"
#include "deepfm_torch_baseline.h"
#include "recis/common/error.h"
#include "recis/common/threads.h"
#include "recis/datagen/criteo_generator.h"
#include "recis/train/trainer.h"
#include "scratch_dir.h"

namespace recis::bench {
namespace {

struct Options {
  std::size_t rows = 300'000;
  std::size_t eval_rows = 50'000;
  int64_t batch_size = 4096;
  int64_t buckets = 1 << 18;
  std::size_t read_threads = 0;  // 0: the configured thread count
  bool breakdown = false;
};

// Milliseconds per optimizer step of every phase.
nlohmann::json phase_ms_per_step(const train::TrainSummary& summary) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < summary.phases.seconds.size(); ++i) {
    out[std::string(train::StepPhases::name(train::Phase(i)))] =
        1000.0 * summary.phases.seconds[i] / static_cast<double>(std::max<int64_t>(1, summary.steps));
  }
  return out;
}

void print_breakdown(const train::TrainSummary& fp32, const train::TrainSummary& bf16) {
  const nlohmann::json a = phase_ms_per_step(fp32), b = phase_ms_per_step(bf16);
  std::printf("%-20s %12s %12s\n", "ms per step", "fp32", "bf16");
  double total_a = 0, total_b = 0;
  for (const auto& [phase, ms] : a.items()) {
    if (phase == "evaluation") continue;  // once per run, not per step
    std::printf("%-20s %12.1f %12.1f\n", phase.c_str(), ms.get<double>(), b[phase].get<double>());
    total_a += ms.get<double>();
    total_b += b[phase].get<double>();
  }
  std::printf("%-20s %12.1f %12.1f\n", "total", total_a, total_b);
}

int run_train_bench(const std::vector<std::string>& args) {
  Options options;
  parse_bench_flags("train", args,
                    {positive_integer_flag("--rows", &options.rows),
                     positive_integer_flag("--eval-rows", &options.eval_rows),
                     positive_integer_flag("--batch-size", &options.batch_size),
                     positive_integer_flag("--buckets", &options.buckets),
                     positive_integer_flag("--read-threads", &options.read_threads),
                     switch_flag("--breakdown", &options.breakdown)});
  const ScratchDir dir("train");
  const datagen::GenerationSummary generated =
      generate_deepfm_bench_data(dir.path(), options.rows, options.eval_rows);
  std::printf("data: %zu training + %zu eval rows, Bayes-optimal AUC %.4f\n", options.rows,
              options.eval_rows, generated.bayes_auc);

  // One of our runs: fp32 or bf16 autocast; `in_memory` trains from batches read beforehand
  // (no IO during training); `bf16_rows` stores the deep embedding rows in bfloat16.
  auto run_ours = [&](const char* what, bool bf16, bool in_memory, bool bf16_rows) {
    std::vector<std::string> overrides;
    if (options.read_threads > 0) {
      overrides.push_back("data.read_threads=" + std::to_string(options.read_threads));
    }
    if (bf16_rows) overrides.push_back("embedding[0].dtype=\"bf16\"");
    train::Trainer trainer(train::parse_experiment_config(
        deepfm_bench_config(dir.path(), options.batch_size, bf16), "bench-train.toml", overrides));
    std::vector<ragged::Batch> batches;
    std::size_t next = 0;
    if (in_memory) {
      while (auto batch = trainer.train_dataset().next()) batches.push_back(std::move(*batch));
      trainer.set_batch_source([&]() -> std::optional<ragged::Batch> {
        if (next == batches.size()) return std::nullopt;
        return batches[next++];
      });
    }
    const train::TrainSummary summary = trainer.train_and_evaluate();
    std::printf("%-34s %10.0f samples/s  eval auc %.4f  logloss %.4f\n", what,
                summary.samples_per_s, summary.eval->auc, summary.eval->logloss);
    return summary;
  };
  const train::TrainSummary fp32 = run_ours("recis DeepFM (fp32)", false, false, false);
  const train::TrainSummary ours = run_ours("recis DeepFM (bf16 autocast)", true, false, false);
  const train::TrainSummary memory =
      run_ours("recis DeepFM (bf16, batches in memory)", true, true, false);
  const train::TrainSummary rows16 =
      run_ours("recis DeepFM (bf16, bf16 rows)", true, false, true);
  if (options.breakdown) print_breakdown(fp32, ours);

  const nlohmann::json baseline =
      run_deepfm_torch_baseline(dir.path(), options.batch_size, options.buckets, "train");
  std::printf("%-34s %10.0f samples/s  eval auc %.4f  logloss %.4f\n",
              "PyTorch DeepFM (EmbeddingBag)", baseline["samples_per_s"].get<double>(),
              baseline["auc"].get<double>(), baseline["logloss"].get<double>());
  print_bench_result(
      "train", ours.samples_per_s, baseline["samples_per_s"].get<double>(), "samples/s",
      {{"rows", options.rows},
       {"eval_rows", options.eval_rows},
       {"batch_size", options.batch_size},
       {"threads", configured_threads()},
       {"ours_auc", ours.eval->auc},
       {"ours_precision", "bf16 autocast (dense model), fp32 rows"},
       {"ms_per_step", phase_ms_per_step(ours)},
       {"fp32", {{"samples_per_s", fp32.samples_per_s},
                 {"auc", fp32.eval->auc},
                 {"ms_per_step", phase_ms_per_step(fp32)},
                 {"ratio", fp32.samples_per_s / baseline["samples_per_s"].get<double>()}}},
       {"in_memory", {{"samples_per_s", memory.samples_per_s},
                      {"auc", memory.eval->auc},
                      {"streaming_vs_in_memory", ours.samples_per_s / memory.samples_per_s}}},
       {"bf16_rows", {{"samples_per_s", rows16.samples_per_s},
                      {"auc", rows16.eval->auc},
                      {"auc_minus_fp32_rows", rows16.eval->auc - ours.eval->auc}}},
       {"baseline_auc", baseline["auc"]},
       {"bayes_auc", generated.bayes_auc},
       {"baseline_buckets", options.buckets},
       {"baseline_source", "bench/baselines/deepfm_torch.py on python3-torch, this run"}});
  return 0;
}

RECIS_REGISTER_BENCH("train", "DeepFM samples/s and AUC vs a plain PyTorch DeepFM (python3-torch)",
                     run_train_bench);

}  // namespace
}  // namespace recis::bench

// `recis bench quality [--rows N] [--eval-rows N] [--model dcnv2|deepfm|...]`: how close one
// epoch of training gets to the Bayes-optimal AUC of `recis gen-data` data (the main-job issue's
// "longer run"). Generates N training and eval-rows held-out rows, trains the bench DeepFM config
// with [model] type replaced, at the example's rates (Adam 0.002 sparse / 0.001 dense) under
// bf16, and reports ours = eval AUC, baseline = the eval rows' Bayes-optimal AUC, ratio, and the
// gap (goal: below 0.02). docs/data.md lists measured gaps.
#include <cstdio>
#include <string>
#include <vector>

#include "bench_flags.h"
#include "bench_registry.h"
#include "deepfm_bench_config.h"
#include "recis/datagen/criteo_generator.h"
#include "recis/train/trainer.h"
#include "scratch_dir.h"

namespace recis::bench {
namespace {

struct Options {
  std::size_t rows = 5'000'000;
  std::size_t eval_rows = 100'000;
  std::string model = "dcnv2";
};

int run_quality_bench(const std::vector<std::string>& args) {
  Options options;
  parse_bench_flags("quality", args,
                    {positive_integer_flag("--rows", &options.rows),
                     positive_integer_flag("--eval-rows", &options.eval_rows),
                     string_flag("--model", &options.model)});
  const ScratchDir dir("quality");
  datagen::generate_criteo(datagen::CriteoOptions()
                               .with_out_dir(dir.path() / "train")
                               .with_rows(options.rows)
                               .with_parts(8));
  const datagen::GenerationSummary held_out =
      datagen::generate_criteo(datagen::CriteoOptions()
                                   .with_out_dir(dir.path() / "eval")
                                   .with_rows(options.eval_rows)
                                   .with_first_row(options.rows));
  const int64_t batch_size = 4096;
  const int64_t steps = static_cast<int64_t>(options.rows) / batch_size;
  train::Trainer trainer(train::parse_experiment_config(
      deepfm_bench_config(dir.path(), batch_size, true), "bench-quality.toml",
      {"model.type=\"" + options.model + "\"", "sparse_optimizer.lr=0.002",
       "dense_optimizer.lr=0.001", "train.eval_every=" + std::to_string(std::max<int64_t>(1, steps / 5))}));
  const train::TrainSummary summary = trainer.train_and_evaluate();
  const double auc = summary.eval->auc;
  std::printf("%s, %zu rows, one epoch: eval auc %.4f, Bayes-optimal %.4f, gap %.4f\n",
              options.model.c_str(), options.rows, auc, held_out.bayes_auc,
              held_out.bayes_auc - auc);
  print_bench_result("quality", auc, held_out.bayes_auc, "auc",
                     {{"model", options.model},
                      {"rows", options.rows},
                      {"eval_rows", options.eval_rows},
                      {"gap", held_out.bayes_auc - auc},
                      {"logloss", summary.eval->logloss},
                      {"samples_per_s", summary.samples_per_s},
                      {"baseline", "Bayes-optimal AUC of the eval rows (true probabilities)"}});
  return 0;
}

RECIS_REGISTER_BENCH("quality", "one epoch's eval AUC vs the Bayes-optimal AUC of gen-data",
                     run_quality_bench);

}  // namespace
}  // namespace recis::bench

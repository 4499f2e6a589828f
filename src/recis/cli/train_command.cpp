// `recis train --config F [--set key=value]... [--output DIR] [--bf16]`: runs one experiment
// (train::Trainer) from a TOML file (docs/config.md). Progress goes to stderr (one updating line
// on a terminal, log lines otherwise), records to OUTPUT/metrics.jsonl, curves to
// OUTPUT/curves.png, and the summary as one JSON line on stdout.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recis/cli/command_registry.h"
#include "recis/common/logging.h"
#include "recis/train/builtin_hooks.h"
#include "recis/train/trainer.h"

namespace recis::cli {
namespace {

struct TrainOptions {
  std::string config;
  std::vector<std::string> overrides;
  std::string output;
  bool bf16 = false;
};

nlohmann::json metric(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

void run_train(const TrainOptions& options) {
  std::vector<std::string> overrides = options.overrides;
  if (!options.output.empty()) overrides.push_back("train.output=\"" + options.output + "\"");
  if (options.bf16) overrides.push_back("train.bf16=true");
  train::ExperimentConfig config = train::load_experiment_config(options.config, overrides);
  const train::TrainConfig settings = config.train;

  train::Trainer trainer(std::move(config));
  trainer.add_hook(std::make_shared<train::ProgressHook>(isatty(STDERR_FILENO) != 0,
                                                         settings.log_every));
  trainer.add_hook(std::make_shared<train::MetricsFileHook>(settings.output, settings.log_every));
  if (settings.evict_every > 0) {
    trainer.add_hook(std::make_shared<train::EvictionHook>(settings.evict_every));
  }
  if (settings.early_stop_patience > 0) {
    trainer.add_hook(std::make_shared<train::EarlyStopHook>(settings.early_stop_patience));
  }
  if (!settings.profile.empty()) {
    trainer.add_hook(std::make_shared<train::ProfilerHook>(settings.profile, 2, 4));
  }
  const train::TrainSummary summary = trainer.train_and_evaluate();

  nlohmann::json line{{"steps", summary.steps},
                      {"samples", summary.samples},
                      {"seconds", summary.seconds},
                      {"samples_per_s", summary.samples_per_s},
                      {"train_loss", metric(summary.train_loss)},
                      {"output", settings.output.string()}};
  if (summary.eval) {
    line["auc"] = metric(summary.eval->auc);
    line["logloss"] = metric(summary.eval->logloss);
    line["gauc"] = metric(summary.eval->gauc);
    line["calibration"] = metric(summary.eval->calibration);
    line["eval_samples"] = summary.eval->samples;
  }
  std::printf("%s\n", line.dump().c_str());
}

void setup_train(CLI::App& command) {
  auto options = std::make_shared<TrainOptions>();
  command.add_option("--config", options->config, "experiment TOML file (docs/config.md)")
      ->required();
  command.add_option("--set", options->overrides,
                     "override a config key: --set train.epochs=2 (repeatable)");
  command.add_option("--output", options->output, "output directory (train.output)");
  command.add_flag("--bf16", options->bf16, "dense model under bfloat16 CPU autocast");
  command.callback([options] { run_train(*options); });
}

RECIS_REGISTER_COMMAND("train", "train a model from an experiment config", setup_train);

}  // namespace
}  // namespace recis::cli

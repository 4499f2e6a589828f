// `recis eval --config F --checkpoint DIR [--set key=value]...`: builds the experiment's model and
// embeddings, loads the weights of a checkpoint read-only (DIR is a ckpt-STEP directory, or an
// output directory whose latest checkpoint is used), scores the config's eval data and prints one
// JSON line: checkpoint, step, auc, logloss, gauc, calibration, eval_samples, seconds.
// Under torchrun or `recis launch` every rank scores its eval shard and rank 0 prints the line.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recis/cli/command_registry.h"
#include "recis/cli/dist_setup.h"
#include "recis/cli/metric_json.h"
#include "recis/cli/torch_commands.h"
#include "recis/common/error.h"
#include "recis/serialize/core/checkpoint_dir.h"
#include "recis/train/trainer.h"

namespace recis::cli {
namespace {

struct EvalOptions {
  std::string config;
  std::string checkpoint;
  std::vector<std::string> overrides;
};

void run_eval(const EvalOptions& options) {
  const std::filesystem::path checkpoint = serialize::resolve_checkpoint(options.checkpoint);
  train::ExperimentConfig config = train::load_experiment_config(options.config, options.overrides);
  config.data.train_paths.clear();  // evaluation reads only the eval data
  auto communicator = connect_ranks(config);
  train::Trainer trainer(std::move(config), communicator);
  trainer.restore_checkpoint(checkpoint, train::RestoreMode::Weights);
  const train::EvalRecord record = trainer.evaluate();
  if (trainer.rank() != 0) return;
  const serialize::Manifest manifest = serialize::read_manifest(checkpoint);
  nlohmann::json line{{"checkpoint", checkpoint.string()},
                      {"step", manifest.step},
                      {"seconds", record.seconds}};
  add_eval_metrics(line, record);
  std::printf("%s\n", line.dump().c_str());
}

void setup_eval(CLI::App& command) {
  auto options = std::make_shared<EvalOptions>();
  command.add_option("--config", options->config, "experiment TOML file (docs/config.md)")
      ->required()
      ->check(CLI::ExistingFile);
  command.add_option("--checkpoint", options->checkpoint,
                     "a ckpt-STEP directory, or an output directory (its latest checkpoint)")
      ->required();
  command.add_option("--set", options->overrides, "override a config key (repeatable)");
  command.callback([options] { run_eval(*options); });
}

RECIS_REGISTER_COMMAND(kEvalCommand.name, kEvalCommand.description, setup_eval);

}  // namespace
}  // namespace recis::cli

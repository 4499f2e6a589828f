// `recis train --config F [--set key=value]... [--output DIR] [--bf16] [--resume]`: runs one
// experiment (train::Trainer) from a TOML file (docs/config.md). Progress goes to stderr (one
// updating line on a terminal, log lines otherwise), records to OUTPUT/metrics.jsonl, curves to
// OUTPUT/curves.png, checkpoints to OUTPUT/ckpt-STEP, and the summary as one JSON line on stdout
// (with the rows of every table, and those in RAM and on disk when a table has a memory budget).
// SIGINT or SIGTERM stops training after the current micro-batch and writes a checkpoint (a
// second signal kills at once); --resume continues from OUTPUT/latest exactly.
// Under torchrun or `recis launch` (docs/distributed.md) every rank trains its shard; rank 0
// alone shows progress, writes metrics and curves and prints the summary; all ranks checkpoint.
#include <unistd.h>

#include <atomic>
#include <csignal>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recis/cli/command_registry.h"
#include "recis/cli/dist_setup.h"
#include "recis/cli/metric_json.h"
#include "recis/cli/torch_commands.h"
#include "recis/common/logging.h"
#include "recis/serialize/core/checkpoint_dir.h"
#include "recis/train/builtin_hooks.h"
#include "recis/train/trainer.h"

namespace recis::cli {
namespace {

struct TrainOptions {
  std::string config;
  std::vector<std::string> overrides;
  std::string output;
  bool bf16 = false;
  bool resume = false;
};

std::atomic<bool> stop_signalled = false;

void on_stop_signal(int signal) {
  stop_signalled = true;
  std::signal(signal, SIG_DFL);
}

// Turns SIGINT / SIGTERM into Trainer::request_stop at the next micro-batch boundary.
class StopOnSignalHook : public train::Hook {
 public:
  StopOnSignalHook() {
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
  }
  ~StopOnSignalHook() override {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  void on_batch_end(train::Trainer& trainer, int64_t) override {
    if (!stop_signalled) return;
    RECIS_LOG(Warning) << "stop requested by signal: stopping after this micro-batch";
    trainer.request_stop();
  }
};

void run_train(const TrainOptions& options) {
  std::vector<std::string> overrides = options.overrides;
  if (!options.output.empty()) overrides.push_back("train.output=\"" + options.output + "\"");
  if (options.bf16) overrides.push_back("train.bf16=true");
  train::ExperimentConfig config = train::load_experiment_config(options.config, overrides);
  const train::TrainConfig settings = config.train;

  auto communicator = connect_ranks(config);
  train::Trainer trainer(std::move(config), communicator);
  const bool reporting = trainer.rank() == 0;
  if (options.resume) {
    if (const auto latest = serialize::latest_checkpoint(settings.output)) {
      trainer.restore_checkpoint(*latest);
      RECIS_LOG(Info) << "resumed from " << latest->string() << " at step " << trainer.step();
    } else {
      RECIS_LOG(Warning) << "--resume: no checkpoint in " << settings.output.string()
                         << ", starting from scratch";
    }
  }
  trainer.add_hook(std::make_shared<StopOnSignalHook>());
  if (reporting) {
    trainer.add_hook(std::make_shared<train::ProgressHook>(isatty(STDERR_FILENO) != 0,
                                                           settings.log_every));
    trainer.add_hook(std::make_shared<train::MetricsFileHook>(settings.output, settings.log_every));
  }
  if (settings.evict_every > 0) {
    trainer.add_hook(std::make_shared<train::EvictionHook>(settings.evict_every));
  }
  if (settings.early_stop_patience > 0) {
    trainer.add_hook(std::make_shared<train::EarlyStopHook>(settings.early_stop_patience));
  }
  if (!settings.profile.empty()) {
    trainer.add_hook(std::make_shared<train::ProfilerHook>(settings.profile, 2, 4));
  }
  // Last, so a checkpoint sees the step after eviction and early stopping have run.
  if (settings.checkpoint_every > 0 || settings.checkpoint_at_end) {
    trainer.add_hook(std::make_shared<train::CheckpointHook>(settings.checkpoint_every,
                                                             settings.checkpoint_at_end));
  }
  const train::TrainSummary summary = trainer.train_and_evaluate();
  if (!reporting) return;

  nlohmann::json line{{"steps", summary.steps},
                      {"samples", summary.samples},
                      {"seconds", summary.seconds},
                      {"samples_per_s", summary.samples_per_s},
                      {"train_loss", metric(summary.train_loss)},
                      {"skipped_batches", summary.skipped_batches},
                      {"output", settings.output.string()},
                      {"phase_seconds", summary.phases.to_json()}};
  if (summary.eval) add_eval_metrics(line, *summary.eval);
  if (const auto& traffic = summary.communication) {
    line["communication"] = {{"bytes_sent", traffic->bytes_sent},
                             {"bytes_received", traffic->bytes_received},
                             {"seconds", traffic->seconds},
                             {"embedding_bytes_sent", traffic->embedding.bytes_sent},
                             {"embedding_bytes_received", traffic->embedding.bytes_received},
                             {"embedding_minimum_bytes", traffic->embedding.minimum_bytes},
                             {"embedding_seconds", traffic->embedding.seconds}};
  }
  bool tiered = false;
  uint64_t embedding_rows = 0, ram_rows = 0, disk_rows = 0, spilled = 0, promoted = 0;
  for (std::size_t t = 0; t < trainer.embeddings().table_count(); ++t) {
    const embedding::TableCore& core = trainer.embeddings().table(t).core();
    const embedding::TableStats stats = core.stats();
    embedding_rows += stats.rows + stats.disk_rows;
    if (!core.tiered()) continue;
    tiered = true;
    ram_rows += stats.rows;
    disk_rows += stats.disk_rows;
    spilled += stats.spilled;
    promoted += stats.promoted;
  }
  line["embedding_rows"] = embedding_rows;
  if (tiered) {
    line["disk_tier"] = {{"ram_rows", ram_rows}, {"disk_rows", disk_rows}, {"spilled", spilled},
                         {"promoted", promoted}};
  }
  std::printf("%s\n", line.dump().c_str());
}

void setup_train(CLI::App& command) {
  auto options = std::make_shared<TrainOptions>();
  command.add_option("--config", options->config, "experiment TOML file (docs/config.md)")
      ->required()
      ->check(CLI::ExistingFile);
  command.add_option("--set", options->overrides,
                     "override a config key: --set train.epochs=2 (repeatable)");
  command.add_option("--output", options->output, "output directory (train.output)");
  command.add_flag("--bf16", options->bf16, "dense model under bfloat16 CPU autocast");
  command.add_flag("--resume", options->resume,
                   "continue from the latest checkpoint in the output directory");
  command.callback([options] { run_train(*options); });
}

RECIS_REGISTER_COMMAND(kTrainCommand.name, kTrainCommand.description, setup_train);

}  // namespace
}  // namespace recis::cli

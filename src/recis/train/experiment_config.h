// ExperimentConfig: one training job, read from one TOML file (docs/config.md) plus `--set`
// overrides. Sections:
//   [data]         train / eval paths, batch size, columns (label, dense, sparse, group)
//   [[features]]   optional feature ops (docs/features.md)
//   [[embedding]]  embedding options, one table entry per feature or per group of features
//   [embedding_defaults]  the RAM budget (memory, memory_rows, disk_path, spill) of every
//                  [[embedding]] entry that sets none (docs/tiered.md)
//   [model]        the dense model (docs/models.md), read by models::build_model
//   [sparse_optimizer], [dense_optimizer]   (docs/optimizers.md), read by optim::make_*
//   [train]        epochs, steps, accumulation, eval cadence, seed, bf16, output, checkpoints
//   [dist]         distributed runs: timeout_s (docs/distributed.md)
// Reading checks every key of [data], [[embedding]] and [train] (unknown keys and bad values are
// ConfigErrors naming the file and key); [model] and the optimizer tables are kept as TOML and
// checked when the trainer builds them, before the first step.
// Called by the CLI (recis train / eval) and tests. Thread-safety: plain values.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "recis/embedding/embedding_options.h"
#include "recis/feature/feature.h"

namespace recis::train {

struct DataConfig {
  std::vector<std::filesystem::path> train_paths;
  std::vector<std::filesystem::path> eval_paths;  // may be empty: no evaluation
  int64_t batch_size = 1024;
  int64_t eval_batch_size = 0;  // 0: batch_size
  std::size_t read_threads = 0;  // 0: the configured thread count
  std::size_t prefetch = 4;
  bool shuffle = false;  // seeded by train.seed, reshuffled every epoch
  std::string label = "label";
  std::vector<std::string> dense;   // numeric columns, one value per row: the model's dense input
  std::vector<std::string> sparse;  // id columns (list<bigint>, ...) for features/embeddings
  std::string sparse_hash = "none";  // string id columns: farm | murmur
  std::string group;  // optional id column for GAUC (its first id per row)
};

// What a micro-batch whose loss is NaN or Inf does (the culprit is named either way).
enum class NonfinitePolicy {
  Error,      // stop with one line naming the culprit and the step (exit 1)
  SkipBatch,  // leave the batch out of training (rows it created stay) and count it
};

struct TrainConfig {
  int64_t epochs = 1;
  int64_t max_steps = 0;    // 0: no limit besides epochs
  int64_t grad_accum = 1;   // micro-batches per optimizer step
  int64_t eval_every = 0;   // steps between evaluations; 0: only at the end
  int64_t eval_steps = 0;   // batches per evaluation; 0: the whole eval set
  int64_t log_every = 50;   // steps between metric records
  int64_t evict_every = 0;  // steps between evictions; 0: never
  int64_t early_stop_patience = 0;  // evaluations without AUC gain before stopping; 0: off
  double clip_norm = 0;     // global gradient norm (sparse + dense); 0: off
  uint64_t seed = 0;
  bool bf16 = false;        // dense model under CPU autocast (bfloat16)
  bool pipeline = true;     // prepare the next batch on a second thread (identical results)
  NonfinitePolicy nonfinite = NonfinitePolicy::Error;
  bool nonfinite_checkpoint = false;  // Error: first save the last finite state (a checkpoint)
  std::string profile;      // if set, a chrome trace of steps 2..4 is written to this file
  std::filesystem::path output = "recis-out";
  // Checkpoints go to output/ckpt-STEP (docs/checkpoints.md).
  int64_t checkpoint_every = 0;    // steps between checkpoints; 0: none during training
  bool checkpoint_at_end = true;   // also when training stops early (signal, early stop)
  std::size_t keep_checkpoints = 3;  // the newest kept; 0: all
};

struct DistConfig {
  // How long a rank waits for the others (forming the group, any collective) before it fails.
  double timeout_s = 300;
};

struct ExperimentConfig {
  std::string source;  // the file, for messages
  DataConfig data;
  TrainConfig train;
  DistConfig dist;
  std::vector<feature::Feature> features;
  std::vector<embedding::EmbeddingOptions> embeddings;
  toml::table model;
  toml::table sparse_optimizer;
  toml::table dense_optimizer;
};

// Throws ConfigError (bad TOML, unknown key, bad value, bad override) or IoError (unreadable).
ExperimentConfig load_experiment_config(const std::filesystem::path& path,
                                        const std::vector<std::string>& overrides = {});
ExperimentConfig parse_experiment_config(std::string_view text, const std::string& source,
                                         const std::vector<std::string>& overrides = {});

}  // namespace recis::train

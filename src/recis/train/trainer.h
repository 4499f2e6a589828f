// Trainer: runs one experiment (ExperimentConfig) end to end. Construction builds and checks
// every part before any step: the training and evaluation datasets (columns checked against the
// files), the feature engine, the embedding engine (its rows carry the sparse optimizer's slots),
// the dense model and both optimizers; a bad key or a missing column throws here.
// train_and_evaluate() then loops: batch -> features -> embeddings -> model -> loss -> backward,
// accumulating grad_accum micro-batches per optimizer step (sparse rows updated in place, dense
// parameters by a torch optimizer, optional global-norm clipping over both), evaluating every
// eval_every steps and at the end, and calling hooks (hook.h) after each step and evaluation.
// A run is deterministic for a given seed, data and thread count.
// Checkpoints (trainer_checkpoint.cpp, docs/checkpoints.md): save_checkpoint() writes everything
// the run needs to continue bit for bit — embedding rows with their optimizer slots, the dense
// model and optimizer, the data position, step, RNG, and a partial gradient accumulation when
// training was stopped inside one; restore_checkpoint() puts it back.
// Without data.train (recis eval) the trainer only evaluates.
// With train.pipeline (default) the next batch is read, featurized and its ids deduplicated on a
// second thread while the current one trains; results are identical to the unpipelined loop.
// Distributed (a Communicator of world size > 1, docs/distributed.md): each rank reads its own
// shard of the data (worker_idx = rank) with data.batch_size rows per micro-batch; embedding rows
// are sharded by id over the ranks; each rank's loss is scaled by its share of the global batch
// and dense gradients are all-reduced (summed) before every optimizer step, so dense parameters
// stay identical everywhere and a step equals one rank training on the global batch. Before each
// micro-batch the ranks agree that all have one (training stops when any shard runs out);
// evaluation runs until every rank's eval shard is done and computes metrics over all ranks'
// predictions. Every rank must call train_and_evaluate/evaluate/save_checkpoint alike.
// Thread-safety: one thread drives a Trainer; the parts use their own thread pools inside.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "recis/dist/communicator.h"
#include "recis/embedding/engine.h"
#include "recis/feature/engine.h"
#include "recis/io/orc_dataset.h"
#include "recis/models/model.h"
#include "recis/optim/lr_schedule.h"
#include "recis/optim/sparse_optimizer.h"
#include "recis/train/experiment_config.h"
#include "recis/train/hook.h"
#include "recis/train/step_phases.h"

namespace recis::train {

enum class RestoreMode {
  Resume,   // everything: training continues exactly where the checkpoint was taken
  Weights,  // embedding rows and dense parameters only (evaluation, warm starts)
};

// A distributed run's traffic (this rank's view).
struct CommunicationSummary {
  int64_t bytes_sent = 0;       // every collective: embedding exchange, all-reduces, agreement
  int64_t bytes_received = 0;
  double seconds = 0;           // inside collectives
  embedding::ExchangeStats embedding;  // the training exchanges alone
};

struct TrainSummary {
  int64_t steps = 0;
  int64_t samples = 0;
  double seconds = 0;
  double samples_per_s = 0;
  double train_loss = 0;  // mean loss of the last log window
  int64_t skipped_batches = 0;  // micro-batches left out for a non-finite loss (skip_batch)
  std::optional<EvalRecord> eval;  // the final evaluation, when there is eval data
  StepPhases phases;               // where this run's time went
  std::optional<CommunicationSummary> communication;  // distributed runs
};

class Trainer {
 public:
  // The dense model comes from [model] through models::build_model, with the schema the
  // embeddings and dense columns give; a user-written model is registered with
  // models::register_model and named by [model] type (examples/custom_model).
  // communicator: null (or world size 1) for a single process.
  explicit Trainer(ExperimentConfig config,
                   std::shared_ptr<dist::Communicator> communicator = nullptr);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  void add_hook(std::shared_ptr<Hook> hook);

  TrainSummary train_and_evaluate();
  // Trains from `next` (nullopt ends the data) instead of the training dataset: batches already in
  // memory, to measure training without IO (`recis bench train`). Checkpoints then record the
  // dataset's untouched position. Unset with an empty function.
  void set_batch_source(std::function<std::optional<ragged::Batch>()> next) {
    batch_source_ = std::move(next);
  }
  // Scores the eval data (at most train.eval_steps batches when set) with read-only lookups.
  // Throws ConfigError when the config has no eval paths.
  EvalRecord evaluate();
  // Ends training after the current micro-batch (early stopping, signals; safe from any thread).
  void request_stop() { stop_requested_ = true; }

  // Writes OUTPUT/ckpt-STEP atomically (train.output, keeping train.keep_checkpoints) and returns
  // its path. Call between micro-batches (hooks are).
  std::filesystem::path save_checkpoint();
  // Throws Error naming the file when the checkpoint is corrupt or does not fit this experiment.
  void restore_checkpoint(const std::filesystem::path& checkpoint_dir,
                          RestoreMode mode = RestoreMode::Resume);

  const ExperimentConfig& config() const { return config_; }
  const models::InputSchema& input_schema() const { return schema_; }
  embedding::Engine& embeddings() { return *embeddings_; }
  models::Model& model() { return *model_; }
  optim::SparseOptimizer& sparse_optimizer() { return *sparse_optimizer_; }
  torch::optim::Optimizer& dense_optimizer() { return *dense_optimizer_; }
  // Throws ConfigError when the config has no training data (an evaluation-only trainer).
  io::OrcDataset& train_dataset();
  int64_t step() const { return step_; }
  int rank() const { return communicator_ ? communicator_->rank() : 0; }
  int world_size() const { return communicator_ ? communicator_->world_size() : 1; }
  // Null for a single process.
  dist::Communicator* communicator() { return communicator_.get(); }
  // Micro-batches accumulated toward the next optimizer step.
  int64_t pending_micro_batches() const { return micro_; }

 private:
  struct Forward {
    torch::Tensor logits;  // [B]
    torch::Tensor labels;  // float [B]
    models::ModelInputs inputs;  // what the model saw (names a non-finite loss's culprit)
  };
  // Features, embeddings and model on one batch (evaluation; training goes through
  // read_and_prepare and dense_forward).
  Forward forward(const ragged::Batch& batch, embedding::LookupMode mode);
  // The model on a batch whose features and embeddings are done.
  Forward dense_forward(const ragged::Batch& batch, const ragged::Batch& features,
                        embedding::EmbeddingOutputs embedded, StepPhases& phases);
  // A training batch read ahead: the batch, its features, its embedding ids deduplicated and the
  // dataset position after it (null when batches come from a batch source).
  struct PreparedBatch {
    ragged::Batch batch;
    ragged::Batch features;
    embedding::PreparedIds ids;
    nlohmann::json data_state;
  };
  // The next training batch, prepared; nullopt at the end of the data. Runs on the pipeline's
  // thread (phases null) or on the training thread (phases timed).
  std::optional<PreparedBatch> read_and_prepare(StepPhases* phases);
  // Where the data continues after the last trained batch (checkpoints).
  nlohmann::json data_position() const;
  void optimizer_step();
  // Distributed: sums every dense gradient over the ranks, in flat buckets.
  void all_reduce_dense_gradients();
  // Whether `mine` holds on any rank (a sum all-reduce named `what`; one process: `mine`), so
  // that every rank takes the same branch: stopping before the next micro-batch when any rank was
  // asked to, skipping or failing a micro-batch when any rank's loss is not finite.
  bool any_rank(bool mine, const char* what);
  // The rows of this micro-batch over all ranks, or 0 when some rank has no batch left (all
  // ranks then stop). A single process returns its own rows (0 without a batch).
  int64_t agree_on_batch(const ragged::Batch* batch);
  // A micro-batch whose loss (here or on another rank) is not finite: names the culprit, then
  // under train.nonfinite = "error" throws Error (after a checkpoint when nonfinite_checkpoint),
  // under "skip_batch" logs a warning and forgets the batch's embedding forward.
  void skip_nonfinite_batch(const ragged::Batch& batch, const Forward& out, double loss);
  // Every rank's values concatenated (rank order); a single process returns its own.
  template <typename T>
  std::vector<T> gather_from_ranks(const std::vector<T>& values, const char* what);
  // Applies the lr schedules for the step about to run.
  void apply_learning_rates();
  io::OrcDatasetOptions dataset_options(const std::vector<std::filesystem::path>& paths,
                                        int64_t batch_size, std::size_t epochs) const;

  ExperimentConfig config_;
  std::shared_ptr<dist::Communicator> communicator_;  // null: a single process
  std::vector<std::shared_ptr<Hook>> hooks_;
  std::unique_ptr<io::OrcDataset> train_data_;  // null without data.train (evaluation only)
  std::function<std::optional<ragged::Batch>()> batch_source_;  // replaces train_data_ when set
  std::unique_ptr<feature::Engine> features_;  // null when no [[features]]
  std::unique_ptr<optim::SparseOptimizer> sparse_optimizer_;
  std::unique_ptr<embedding::Engine> embeddings_;
  models::InputSchema schema_;
  std::shared_ptr<models::Model> model_;
  std::unique_ptr<torch::optim::Optimizer> dense_optimizer_;
  optim::LrSchedule sparse_schedule_;
  optim::LrSchedule dense_schedule_;
  int64_t step_ = 0;
  int64_t micro_ = 0;       // micro-batches of the step in progress
  int64_t samples_ = 0;     // training samples seen, across resumes
  double step_loss_ = 0;    // the step in progress' loss so far
  std::atomic<bool> stop_requested_ = false;
  nlohmann::json consumed_data_state_;  // data_position() once a batch was trained (pipeline)
  embedding::IdDedup pipeline_dedup_;    // read_and_prepare's scratch (one batch at a time)
  int64_t saves_ = 0;  // checkpoints saved by this process (keys a distributed save's exchange)
  StepPhases phases_;
};

}  // namespace recis::train

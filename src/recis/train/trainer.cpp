#include "recis/train/trainer.h"

#include <ATen/autocast_mode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <future>
#include <optional>
#include <type_traits>

#include "recis/common/cpu_features.h"
#include "recis/common/error.h"
#include "recis/common/logging.h"
#include "recis/models/model_factory.h"
#include "recis/optim/clip_grad.h"
#include "recis/optim/optimizer_config.h"
#include "recis/train/auc.h"
#include "recis/train/binary_metrics.h"
#include "recis/train/gauc.h"
#include "recis/train/nonfinite.h"

namespace recis::train {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU autocast to bfloat16 for the dense model while alive (--bf16).
class Bf16Autocast {
 public:
  explicit Bf16Autocast(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(true);
  }
  ~Bf16Autocast() {
    if (!enabled_) return;
    at::autocast::set_cpu_enabled(false);
    at::autocast::clear_cache();
  }
  Bf16Autocast(const Bf16Autocast&) = delete;
  Bf16Autocast& operator=(const Bf16Autocast&) = delete;

 private:
  bool enabled_;
};

// Runs build(), prefixing the config file to a ConfigError from a part that reads its own table
// ([model], the optimizers) and names only the key.
template <typename Build>
auto naming_source(const std::string& source, Build build) {
  try {
    return build();
  } catch (const ConfigError& error) {
    throw ConfigError(source + ": " + error.what());
  }
}

// An optimizer table with `name` filled in when the config left the table out.
toml::table with_default_name(toml::table table, const char* name, double lr) {
  if (!table.contains("name")) table.insert("name", name);
  if (!table.contains("lr")) table.insert("lr", lr);
  return table;
}

}  // namespace

Trainer::Trainer(ExperimentConfig config, std::shared_ptr<dist::Communicator> communicator)
    : config_(std::move(config)),
      communicator_(communicator && communicator->world_size() > 1 ? std::move(communicator)
                                                                     : nullptr) {
  torch::manual_seed(config_.train.seed);
  if (config_.train.bf16 && !cpu_has_native_bf16()) {
    RECIS_LOG(Warning) << "train.bf16: this CPU has no native bfloat16 math (avx512_bf16 or "
                          "amx_bf16 in /proc/cpuinfo); the dense model will run many times "
                          "slower than in fp32 (docs/performance.md)";
  }
  const DataConfig& data = config_.data;
  if (!data.train_paths.empty()) {
    train_data_ = std::make_unique<io::OrcDataset>(
        dataset_options(data.train_paths, data.batch_size,
                        static_cast<std::size_t>(config_.train.epochs)));
  }
  if (!data.eval_paths.empty()) {
    // Opening the eval set now checks its files and columns before training starts.
    const io::OrcDataset eval_check(dataset_options(data.eval_paths, 1, 1));
  }
  if (!config_.features.empty()) features_ = std::make_unique<feature::Engine>(config_.features);

  sparse_optimizer_ = naming_source(config_.source, [&] {
    return optim::make_sparse_optimizer(with_default_name(config_.sparse_optimizer, "adam", 1e-3));
  });
  embedding::EngineOptions engine_options;
  engine_options.seed = config_.train.seed;
  engine_options.slots = [this](const std::string&, std::size_t dim) {
    return sparse_optimizer_->slots(dim);
  };
  engine_options.communicator = communicator_;
  engine_options.disk_dir = config_.train.output / "disk_tier";
  embeddings_ = std::make_unique<embedding::Engine>(config_.embeddings, engine_options);

  for (const embedding::EmbeddingOptions& option : config_.embeddings) {
    schema_.embeddings.push_back(
        {option.name, static_cast<int64_t>(option.dim),
         option.combiner == embedding::Combiner::Tile ? static_cast<int64_t>(option.tile_len)
                                                      : 0});
  }
  schema_.num_dense = static_cast<int64_t>(data.dense.size());
  model_ = naming_source(config_.source, [&] { return models::build_model(config_.model, schema_); });
  const toml::table dense_table = with_default_name(config_.dense_optimizer, "adam", 1e-3);
  dense_optimizer_ = naming_source(config_.source, [&] {
    return optim::make_dense_optimizer(dense_table, model_->parameters());
  });
  const toml::table sparse_table = with_default_name(config_.sparse_optimizer, "adam", 1e-3);
  sparse_schedule_ = optim::lr_schedule_from_toml(
      sparse_table, sparse_table["lr"].value_or(1e-3), config_.source + ": sparse_optimizer");
  dense_schedule_ = optim::lr_schedule_from_toml(
      dense_table, dense_table["lr"].value_or(1e-3), config_.source + ": dense_optimizer");
}

Trainer::~Trainer() = default;

io::OrcDataset& Trainer::train_dataset() {
  if (!train_data_) throw ConfigError(config_.source + ": data.train: no training data configured");
  return *train_data_;
}

void Trainer::add_hook(std::shared_ptr<Hook> hook) { hooks_.push_back(std::move(hook)); }

io::OrcDatasetOptions Trainer::dataset_options(const std::vector<std::filesystem::path>& paths,
                                               int64_t batch_size, std::size_t epochs) const {
  const DataConfig& data = config_.data;
  io::OrcDatasetOptions options;
  options.with_paths(paths)
      .with_batch_size(batch_size)
      .with_read_threads(data.read_threads)
      .with_prefetch(data.prefetch)
      .with_shuffle(data.shuffle, config_.train.seed)
      .with_epochs(epochs)
      .with_worker(static_cast<std::size_t>(rank()), static_cast<std::size_t>(world_size()));
  options.fixedlen(data.label, {0.0});
  for (const std::string& column : data.dense) options.fixedlen(column, {0.0});
  for (const std::string& column : data.sparse) {
    options.varlen(column, parse_hash_kind(data.sparse_hash, "data.sparse_hash"));
  }
  // The group column may also be a sparse feature column (read once, used for both).
  if (!data.group.empty() &&
      std::find(data.sparse.begin(), data.sparse.end(), data.group) == data.sparse.end()) {
    options.varlen(data.group);
  }
  return options;
}

Trainer::Forward Trainer::forward(const ragged::Batch& batch, embedding::LookupMode mode) {
  StepPhases untimed;
  const ragged::Batch features = features_ ? features_->run(batch) : batch;
  return dense_forward(batch, features, embeddings_->forward(features, step_ + 1, mode), untimed);
}

Trainer::Forward Trainer::dense_forward(const ragged::Batch& batch, const ragged::Batch& features,
                                        embedding::EmbeddingOutputs embedded, StepPhases& timed) {
  PhaseTimer timer(timed, Phase::DenseForward);
  models::ModelInputs inputs;
  inputs.embeddings = std::move(embedded.embeddings);
  inputs.sequence_masks = std::move(embedded.sequence_masks);
  if (!config_.data.dense.empty()) {
    std::vector<torch::Tensor> columns;
    for (const std::string& column : config_.data.dense) {
      columns.push_back(features.dense(column).to(torch::kFloat32).view({-1, 1}));
    }
    inputs.dense = torch::cat(columns, 1);
  }
  Forward out;
  {
    Bf16Autocast autocast(config_.train.bf16);
    out.logits = model_->forward(inputs).to(torch::kFloat32).view(-1);
  }
  out.labels = batch.dense(config_.data.label).to(torch::kFloat32).reshape(-1).contiguous();
  out.inputs = std::move(inputs);
  return out;
}

std::optional<Trainer::PreparedBatch> Trainer::read_and_prepare(StepPhases* phases) {
  StepPhases unused;
  StepPhases& timed = phases ? *phases : unused;
  std::optional<PhaseTimer> reading(std::in_place, timed, Phase::Data);
  std::optional<ragged::Batch> batch = batch_source_ ? batch_source_() : train_data_->next();
  reading.reset();
  if (!batch) return std::nullopt;
  PreparedBatch prepared;
  if (!batch_source_) prepared.data_state = train_data_->state();
  {
    PhaseTimer timer(timed, Phase::Features);
    prepared.features = features_ ? features_->run(*batch) : *batch;
  }
  {
    PhaseTimer timer(timed, Phase::EmbeddingForward);
    prepared.ids = embeddings_->prepare(prepared.features, pipeline_dedup_);
  }
  prepared.batch = std::move(*batch);
  return prepared;
}

nlohmann::json Trainer::data_position() const {
  return consumed_data_state_.is_null() ? train_data_->state() : consumed_data_state_;
}

void Trainer::apply_learning_rates() {
  sparse_optimizer_->set_lr(sparse_schedule_.lr_at(step_));
  optim::set_dense_lr(*dense_optimizer_, dense_schedule_.lr_at(step_));
}

void Trainer::all_reduce_dense_gradients() {
  // Buckets of up to 4M floats: few collectives, bounded extra memory.
  constexpr int64_t kBucketFloats = int64_t{1} << 22;
  // A parameter that some rank gave a gradient gets zeros where it has none; one that no rank
  // used keeps no gradient, so the optimizer skips it as a single process would.
  std::vector<torch::Tensor> params = model_->parameters();
  std::vector<torch::Tensor> used{torch::zeros({static_cast<int64_t>(params.size())}, torch::kInt64)};
  for (std::size_t i = 0; i < params.size(); ++i) {
    used[0].data_ptr<int64_t>()[i] = params[i].grad().defined() ? 1 : 0;
  }
  communicator_->all_reduce_sum(used, "dense gradient presence");
  std::vector<torch::Tensor> grads;
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (used[0].data_ptr<int64_t>()[i] == 0) continue;
    if (!params[i].grad().defined()) params[i].mutable_grad() = torch::zeros_like(params[i]);
    grads.push_back(params[i].grad());
  }
  std::size_t begin = 0;
  while (begin < grads.size()) {
    std::size_t end = begin;
    int64_t floats = 0;
    while (end < grads.size() && (end == begin || floats + grads[end].numel() <= kBucketFloats)) {
      floats += grads[end++].numel();
    }
    std::vector<torch::Tensor> flat;
    for (std::size_t i = begin; i < end; ++i) flat.push_back(grads[i].to(torch::kFloat32).reshape(-1));
    std::vector<torch::Tensor> bucket{torch::cat(flat)};
    communicator_->all_reduce_sum(bucket, "dense gradients");
    int64_t offset = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const int64_t n = grads[i].numel();
      grads[i].copy_(bucket[0].narrow(0, offset, n).view_as(grads[i]));
      offset += n;
    }
    begin = end;
  }
}

bool Trainer::any_rank(bool mine, const char* what) {
  if (!communicator_) return mine;
  std::vector<torch::Tensor> count{torch::tensor({int64_t{mine ? 1 : 0}})};
  communicator_->all_reduce_sum(count, what);
  return count[0].item<int64_t>() > 0;
}

void Trainer::skip_nonfinite_batch(const ragged::Batch& batch, const Forward& out, double loss) {
  std::string what = "step " + std::to_string(step_ + 1) + ": ";
  if (std::isfinite(loss)) {
    what += "the loss of another rank is NaN or Inf (its log names the culprit)";
  } else {
    what += std::string("the loss is ") + (std::isnan(loss) ? "NaN" : "Inf") + ": " +
            describe_nonfinite({batch, config_.features, config_.data.dense, config_.data.label,
                                out.inputs, out.labels, out.logits, *model_});
  }
  if (config_.train.nonfinite == NonfinitePolicy::SkipBatch) {
    RECIS_LOG(Warning) << what << "; batch skipped (train.nonfinite = \"skip_batch\")";
    embeddings_->discard_pending();
    return;
  }
  if (config_.train.nonfinite_checkpoint) {
    what += "; the last finite state is saved in " + save_checkpoint().string();
  }
  throw Error(what + " (train.nonfinite = \"skip_batch\" would skip such batches)");
}

int64_t Trainer::agree_on_batch(const ragged::Batch* batch) {
  const int64_t rows = batch ? batch->dense(config_.data.label).size(0) : 0;
  if (!communicator_) return rows;
  std::vector<torch::Tensor> counts{torch::tensor({int64_t{batch ? 1 : 0}, rows})};
  communicator_->all_reduce_sum(counts, "batch agreement");
  const int64_t* sums = counts[0].data_ptr<int64_t>();
  return sums[0] == world_size() ? sums[1] : 0;
}

template <typename T>
std::vector<T> Trainer::gather_from_ranks(const std::vector<T>& values, const char* what) {
  if (!communicator_) return values;
  const auto dtype = std::is_same_v<T, float> ? torch::kFloat32 : torch::kInt64;
  const torch::Tensor mine =
      torch::from_blob(const_cast<T*>(values.data()), {static_cast<int64_t>(values.size())}, dtype);
  const torch::Tensor all = communicator_->all_gather_rows(mine, what).contiguous();
  return std::vector<T>(all.data_ptr<T>(), all.data_ptr<T>() + all.numel());
}

void Trainer::optimizer_step() {
  apply_learning_rates();
  std::vector<embedding::SparseGrad> sparse = embeddings_->take_gradients();
  if (communicator_) {
    PhaseTimer timer(phases_, Phase::DenseOptimizer);
    all_reduce_dense_gradients();
  }
  if (config_.train.clip_norm > 0) {
    std::function<double(double)> sum_over_ranks;
    if (communicator_) {
      sum_over_ranks = [this](double squared) {
        std::vector<torch::Tensor> value{torch::tensor({squared}, torch::kFloat64)};
        communicator_->all_reduce_sum(value, "sparse gradient norm");
        return value[0].item<double>();
      };
    }
    optim::clip_grad_global_norm(sparse, model_->parameters(), config_.train.clip_norm,
                                  sparse_optimizer_->grad_reduction(), sum_over_ranks);
  }
  {
    PhaseTimer timer(phases_, Phase::SparseOptimizer);
    sparse_optimizer_->step(sparse);
  }
  {
    PhaseTimer timer(phases_, Phase::DenseOptimizer);
    dense_optimizer_->step();
    dense_optimizer_->zero_grad();
  }
  ++step_;
}

TrainSummary Trainer::train_and_evaluate() {
  const TrainConfig& train = config_.train;
  if (!train_data_) throw ConfigError(config_.source + ": data.train: no training data configured");
  for (auto& hook : hooks_) hook->on_train_begin(*this);
  model_->train();

  // The planned work, for progress: max_steps, or the epochs' rows in optimizer steps.
  uint64_t shard_rows = 0;
  for (const io::WorkUnit& unit : train_data_->plan().shard_units(0, train_data_->options())) {
    shard_rows += unit.rows;
  }
  const double rows_per_step =
      static_cast<double>(config_.data.batch_size) * static_cast<double>(train.grad_accum);
  double planned_steps = std::ceil(static_cast<double>(shard_rows) *
                                   static_cast<double>(train.epochs) / rows_per_step);
  if (train.max_steps > 0) planned_steps = std::min<double>(planned_steps, train.max_steps);

  TrainSummary summary;
  const Clock::time_point start = Clock::now();
  int64_t run_batches = 0;
  int64_t run_samples = 0;
  double window_loss = 0;
  int64_t window_steps = 0;
  std::optional<EvalRecord> last_eval;
  std::vector<float> window_scores, window_labels;
  double window_auc = std::nan("");
  phases_ = StepPhases{};
  if (communicator_) {
    communicator_->reset_stats();
    embeddings_->reset_exchange_stats();
  }
  // The pipeline (train.pipeline): batch k+1 is read, featurized and its ids deduplicated on
  // another thread while batch k trains. Lookups, updates and the data position recorded in
  // checkpoints stay in batch order, so results are identical either way.
  std::future<std::optional<PreparedBatch>> ahead;
  auto prepare_ahead = [this] { return read_and_prepare(nullptr); };
  while (!any_rank(stop_requested_, "stop agreement") &&
         (train.max_steps == 0 || step_ < train.max_steps)) {
    std::optional<PreparedBatch> prepared;
    if (train.pipeline) {
      PhaseTimer waiting(phases_, Phase::Data);
      if (!ahead.valid()) ahead = std::async(std::launch::async, prepare_ahead);
      prepared = ahead.get();
    } else {
      prepared = read_and_prepare(&phases_);  // times its parts itself
    }
    std::optional<PhaseTimer> timer(std::in_place, phases_, Phase::Data);
    const int64_t global_rows = agree_on_batch(prepared ? &prepared->batch : nullptr);
    timer.reset();
    if (global_rows == 0) break;
    if (train.pipeline) ahead = std::async(std::launch::async, prepare_ahead);
    timer.emplace(phases_, Phase::EmbeddingForward);
    embedding::EmbeddingOutputs embedded =
        embeddings_->forward(std::move(prepared->ids), step_ + 1, embedding::LookupMode::Train);
    timer.reset();
    const Forward out =
        dense_forward(prepared->batch, prepared->features, std::move(embedded), phases_);
    timer.emplace(phases_, Phase::Backward);
    const torch::Tensor loss =
        torch::binary_cross_entropy_with_logits(out.logits, out.labels);
    const double loss_value = loss.item<double>();
    const bool skipped = any_rank(!std::isfinite(loss_value), "non-finite loss agreement");
    if (skipped) {
      timer.reset();
      skip_nonfinite_batch(prepared->batch, out, loss_value);  // throws under "error"
      ++summary.skipped_batches;
    }
    // The batch counts as consumed once it trains or is skipped (a checkpoint taken when a
    // non-finite loss stops the run resumes at the batch that stopped it).
    if (!prepared->data_state.is_null()) consumed_data_state_ = std::move(prepared->data_state);
    if (skipped) continue;
    // Distributed: this rank's share of the global batch's mean loss. One process keeps the plain
    // division, so its losses stay bit-identical to earlier runs and checkpoints.
    const double share =
        communicator_ ? static_cast<double>(out.labels.size(0)) / static_cast<double>(global_rows)
                      : 1.0;
    (communicator_ ? loss * (share / static_cast<double>(train.grad_accum))
                   : loss / static_cast<double>(train.grad_accum))
        .backward();
    timer.emplace(phases_, Phase::SparseGradients);
    embeddings_->accumulate_gradients();
    timer.reset();
    step_loss_ += loss_value * share / static_cast<double>(train.grad_accum);
    const torch::Tensor scores = torch::sigmoid(out.logits.detach()).contiguous();
    window_scores.insert(window_scores.end(), scores.data_ptr<float>(),
                         scores.data_ptr<float>() + scores.numel());
    window_labels.insert(window_labels.end(), out.labels.data_ptr<float>(),
                         out.labels.data_ptr<float>() + out.labels.numel());
    samples_ += global_rows;
    run_samples += global_rows;
    ++micro_;
    ++run_batches;
    timer.emplace(phases_, Phase::Hooks);
    for (auto& hook : hooks_) hook->on_batch_end(*this, run_batches);
    timer.reset();
    if (micro_ < train.grad_accum) continue;

    optimizer_step();
    micro_ = 0;
    if (communicator_) {
      std::vector<torch::Tensor> loss_sum{torch::tensor({step_loss_}, torch::kFloat64)};
      communicator_->all_reduce_sum(loss_sum, "step loss");
      step_loss_ = loss_sum[0].item<double>();
    }
    window_loss += step_loss_;
    ++window_steps;
    if (step_ % train.log_every == 0) {
      window_auc = exact_auc(gather_from_ranks(window_scores, "training scores"),
                             gather_from_ranks(window_labels, "training labels"));
      window_scores.clear();
      window_labels.clear();
    }
    StepRecord record;
    record.step = step_;
    record.auc = window_auc;
    record.samples = samples_;
    record.loss = step_loss_;
    record.elapsed_s = seconds_since(start);
    record.samples_per_s = static_cast<double>(run_samples) / record.elapsed_s;
    record.progress = planned_steps > 0 ? std::min(1.0, static_cast<double>(step_) / planned_steps)
                                        : 0.0;
    step_loss_ = 0;
    timer.emplace(phases_, Phase::Hooks);
    for (auto& hook : hooks_) hook->on_step_end(*this, record);
    timer.reset();
    if (step_ % train.log_every == 0) {
      summary.train_loss = window_loss / static_cast<double>(window_steps);
      window_loss = 0;
      window_steps = 0;
    }
    if (train.eval_every > 0 && step_ % train.eval_every == 0 && !config_.data.eval_paths.empty()) {
      PhaseTimer eval_timer(phases_, Phase::Evaluation);
      last_eval = evaluate();
      model_->train();
    }
  }
  if (ahead.valid()) ahead.wait();  // a batch read ahead is dropped; data_position() is before it
  if (window_steps > 0) summary.train_loss = window_loss / static_cast<double>(window_steps);
  summary.steps = step_;
  summary.samples = samples_;
  summary.seconds = seconds_since(start);
  summary.samples_per_s =
      summary.seconds > 0 ? static_cast<double>(run_samples) / summary.seconds : 0;
  if (!config_.data.eval_paths.empty() && (!last_eval || last_eval->step != step_)) {
    PhaseTimer eval_timer(phases_, Phase::Evaluation);
    last_eval = evaluate();
  }
  summary.eval = last_eval;
  {
    PhaseTimer hooks_timer(phases_, Phase::Hooks);
    for (auto& hook : hooks_) hook->on_train_end(*this);
  }
  summary.phases = phases_;
  if (communicator_) {
    const dist::CommunicatorStats& stats = communicator_->stats();
    summary.communication =
        CommunicationSummary{stats.bytes_sent, stats.bytes_received, stats.seconds,
                             embeddings_->exchange()->stats()};
  }
  return summary;
}

EvalRecord Trainer::evaluate() {
  const DataConfig& data = config_.data;
  if (data.eval_paths.empty()) {
    throw ConfigError(config_.source + ": data.eval: no evaluation data configured");
  }
  const Clock::time_point start = Clock::now();
  model_->eval();
  torch::NoGradGuard no_grad;
  io::OrcDataset dataset(
      dataset_options(data.eval_paths, data.eval_batch_size ? data.eval_batch_size : data.batch_size, 1));
  std::vector<float> scores, labels;
  std::vector<int64_t> groups;
  int64_t batches = 0;
  while (config_.train.eval_steps == 0 || batches < config_.train.eval_steps) {
    std::optional<ragged::Batch> batch = dataset.next();
    ++batches;
    if (communicator_) {
      // Every rank takes part until the last eval shard is done.
      std::vector<torch::Tensor> remaining{torch::tensor({int64_t{batch ? 1 : 0}})};
      communicator_->all_reduce_sum(remaining, "evaluation agreement");
      if (remaining[0].item<int64_t>() == 0) break;
      if (!batch) {
        embeddings_->serve_peers(step_ + 1);
        continue;
      }
    } else if (!batch) {
      break;
    }
    const Forward out = forward(*batch, embedding::LookupMode::Eval);
    const torch::Tensor probabilities = torch::sigmoid(out.logits).contiguous();
    scores.insert(scores.end(), probabilities.data_ptr<float>(),
                  probabilities.data_ptr<float>() + probabilities.numel());
    const torch::Tensor y = out.labels.contiguous();
    labels.insert(labels.end(), y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
    if (!data.group.empty()) {
      // A row's group is its first id; rows without one fall in group 0.
      const ragged::RaggedTensor& column = batch->ragged(data.group);
      const int64_t* values = column.values().data_ptr<int64_t>();
      const int64_t* offsets = column.offsets().back().data_ptr<int64_t>();
      for (int64_t row = 0; row < column.batch_size(); ++row) {
        groups.push_back(offsets[row] < offsets[row + 1] ? values[offsets[row]] : 0);
      }
    }
  }
  scores = gather_from_ranks(scores, "evaluation scores");
  labels = gather_from_ranks(labels, "evaluation labels");
  if (!data.group.empty()) groups = gather_from_ranks(groups, "evaluation groups");
  EvalRecord record;
  record.step = step_;
  record.samples = static_cast<int64_t>(scores.size());
  record.auc = exact_auc(scores, labels);
  record.logloss = logloss(scores, labels);
  record.calibration = calibration(scores, labels);
  record.gauc = data.group.empty() ? std::nan("") : gauc(scores, labels, groups).value;
  record.seconds = seconds_since(start);
  for (auto& hook : hooks_) hook->on_eval_end(*this, record);
  return record;
}

}  // namespace recis::train

#include "recis/embedding/engine.h"

#include <algorithm>
#include <cstring>
#include <variant>

#include "recis/common/error.h"
#include "recis/common/threads.h"
#include "recis/embedding/combine.h"
#include "recis/embedding/core/child_id.h"
#include "recis/embedding/core/id_dedup.h"

namespace recis::embedding {
namespace {

using FeatureInput = PreparedIds::Input;

FeatureInput resolve_input(const ragged::Batch& batch, const EmbeddingOptions& feature) {
  const std::string& column = feature.input_column();
  const std::string where = "embedding '" + feature.name + "' (column '" + column + "')";
  if (!batch.contains(column)) {
    throw Error(where + ": the batch has no such column");
  }
  FeatureInput input;
  const ragged::Column& value = batch.at(column);
  if (const auto* ragged = std::get_if<ragged::RaggedTensor>(&value)) {
    if (ragged->values().scalar_type() != torch::kInt64) {
      throw Error(where + ": expected int64 ids, got " +
                  ragged::dtype_name(ragged->values().scalar_type()) +
                  " values (hash or bucketize the feature first)");
    }
    if (ragged->num_levels() > 3) {
      throw Error(where + ": expected 2 or 3 ragged levels, got " +
                  std::to_string(ragged->num_levels()));
    }
    input.ids = ragged->values();
    input.layout.offsets = ragged->offsets();
    input.layout.weights = ragged->weights();
    return input;
  }
  const torch::Tensor& dense = std::get<torch::Tensor>(value);
  if (dense.scalar_type() != torch::kInt64 || dense.dim() < 1 || dense.dim() > 2) {
    throw Error(where + ": expected dense int64 ids of shape [B] or [B, F], got " +
                ragged::dtype_name(dense.scalar_type()) + " with " +
                std::to_string(dense.dim()) + " dims");
  }
  const int64_t per_row = dense.dim() == 2 ? dense.size(1) : 1;
  input.ids = dense.contiguous().view(-1);
  input.layout.offsets = {torch::arange(0, (dense.size(0) + 1) * per_row, per_row, torch::kInt64)};
  return input;
}

}  // namespace

Engine::Engine(std::vector<EmbeddingOptions> features, EngineOptions options)
    : features_(std::move(features)),
      plan_(plan_tables(features_, options.seed, options.merge_tables)),
      features_of_table_(plan_.tables.size()),
      pending_(plan_.tables.size()) {
  const bool sharded = options.communicator && options.communicator->world_size() > 1;
  for (PhysicalTablePlan& table : plan_.tables) {
    if (options.slots) table.options.slots = options.slots(table.name, table.options.dim);
    if (table.memory.set()) {
      const RowLayout layout(table.options.dim, table.options.element_type, table.options.slots);
      table.options.tier.memory_rows = std::max<std::size_t>(1, table.memory.rows_for(layout.row_bytes()));
      table.options.tier.spill = table.memory.spill;
      std::filesystem::path path = table.memory.disk_path.empty() ? options.disk_dir
                                                                  : table.memory.disk_path;
      if (path.empty()) {
        throw ConfigError("embedding table '" + table.name +
                          "' has a memory budget but no disk_path, and the engine no disk_dir");
      }
      path /= table.name;
      if (sharded) path /= "rank" + std::to_string(options.communicator->rank());
      table.options.tier.disk_path = path;
    }
    tables_.push_back(std::make_unique<Table>(table.name, table.children, table.trainable,
                                              table.options));
    accumulators_.emplace_back(&tables_.back()->core());
  }
  for (std::size_t f = 0; f < features_.size(); ++f) {
    features_of_table_[plan_.features[f].table].push_back(f);
  }
  pool_ = std::make_unique<ThreadPool>(
      std::max<std::size_t>(1, options.threads ? options.threads : configured_threads()) - 1);
  if (options.communicator && options.communicator->world_size() > 1) {
    std::vector<Table*> tables;
    for (auto& table : tables_) tables.push_back(table.get());
    exchange_ = std::make_unique<ShardedExchange>(options.communicator, std::move(tables));
  }
}

Engine::~Engine() = default;

Table& Engine::table(const std::string& name) {
  std::string known;
  for (auto& table : tables_) {
    if (table->name() == name) return *table;
    known += (known.empty() ? "" : ", ") + table->name();
  }
  throw Error("embedding: no table '" + name + "'; tables: " + known);
}

EmbeddingOutputs Engine::forward(const ragged::Batch& batch, int64_t step, LookupMode mode) {
  thread_local IdDedup dedup;
  return forward(prepare(batch, dedup), step, mode);
}

PreparedIds Engine::prepare(const ragged::Batch& batch, IdDedup& dedup) const {
  const std::size_t table_count = tables_.size();
  PreparedIds prepared;
  prepared.inputs.resize(table_count);
  prepared.inverses.resize(table_count);
  prepared.unique.resize(table_count);
  prepared.counts.resize(table_count);
  for (std::size_t t = 0; t < table_count; ++t) {
    const std::vector<std::size_t>& members = features_of_table_[t];
    const bool merged = tables_[t]->children().size() > 1;
    std::vector<FeatureInput>& inputs = prepared.inputs[t];
    int64_t total = 0;
    for (std::size_t f : members) {
      inputs.push_back(resolve_input(batch, features_[f]));
      total += inputs.back().ids.numel();
    }
    std::vector<int64_t> ids(static_cast<std::size_t>(total));
    int64_t start = 0;
    for (std::size_t k = 0; k < members.size(); ++k) {
      const int64_t* source = inputs[k].ids.data_ptr<int64_t>();
      const int64_t n = inputs[k].ids.numel();
      if (merged) {
        const int64_t child = plan_.features[members[k]].child;
        for (int64_t i = 0; i < n; ++i) ids[start + i] = encode_child_id(child, source[i]);
      } else {
        std::memcpy(ids.data() + start, source, static_cast<std::size_t>(n) * sizeof(int64_t));
      }
      start += n;
    }
    prepared.inverses[t] = torch::empty({total}, torch::kInt64);
    dedup.run(ids, std::span<int64_t>(prepared.inverses[t].data_ptr<int64_t>(), ids.size()));
    prepared.unique[t] = dedup.unique();
    prepared.counts[t] = dedup.counts();
  }
  return prepared;
}

EmbeddingOutputs Engine::forward(PreparedIds prepared, int64_t step, LookupMode mode) {
  EmbeddingOutputs outputs;
  const std::size_t table_count = tables_.size();
  if (prepared.inputs.size() != table_count) {
    throw Error("embedding: prepared ids for " + std::to_string(prepared.inputs.size()) +
                " tables, the engine has " + std::to_string(table_count));
  }
  std::vector<std::vector<FeatureInput>>& inputs = prepared.inputs;
  std::vector<torch::Tensor>& inverses = prepared.inverses;
  std::vector<std::vector<int64_t>>& unique = prepared.unique;
  std::vector<std::vector<uint32_t>>& counts = prepared.counts;
  const bool rows_in_use =
      std::any_of(pending_.begin(), pending_.end(),
                  [](const Pending& pending) { return pending.unique_rows.defined(); }) ||
      std::any_of(accumulators_.begin(), accumulators_.end(),
                  [](const GradAccumulator& accumulator) { return !accumulator.empty(); });
  if (!rows_in_use) enforce_memory_budgets();

  // Each table's unique rows: from the local table, or from their owners when sharded.
  std::vector<torch::Tensor> unique_rows(table_count);
  std::vector<std::vector<int64_t>> rows(table_count);
  std::vector<bool> in_place(table_count, false);  // pooled straight from the table's rows
  if (exchange_) {
    std::vector<std::span<const int64_t>> id_spans(unique.begin(), unique.end());
    std::vector<std::span<const uint32_t>> count_spans(counts.begin(), counts.end());
    unique_rows = exchange_->lookup(id_spans, count_spans, step, mode, *pool_);
  } else {
    for (std::size_t t = 0; t < table_count; ++t) {
      rows[t].resize(unique[t].size());
      tables_[t]->lookup(unique[t], counts[t], step, mode, rows[t], *pool_);
      // Pooling reads fp32 rows in place (fused gather); unique_rows is then only the leaf
      // that receives their gradient, and its values are never read.
      in_place[t] = pools_from_table(t);
      unique_rows[t] = in_place[t] ? torch::empty({static_cast<int64_t>(rows[t].size()),
                                                   static_cast<int64_t>(tables_[t]->dim())})
                                   : tables_[t]->gather(rows[t], *pool_);
    }
  }

  for (std::size_t t = 0; t < table_count; ++t) {
    const std::vector<std::size_t>& members = features_of_table_[t];
    const std::vector<int64_t>* row_numbers = &rows[t];
    if (mode == LookupMode::Train && tables_[t]->trainable()) {
      unique_rows[t].requires_grad_(true);
      pending_[t] = Pending{unique_rows[t], std::move(unique[t]), std::move(rows[t]),
                            std::move(counts[t])};
      row_numbers = &pending_[t].rows;
    }
    // Sum and mean features are pooled together (one pooling, one backward buffer).
    std::vector<const FeatureIds*> pooled;
    std::vector<bool> mean;
    std::vector<std::size_t> pooled_members;
    int64_t start = 0;
    for (std::size_t k = 0; k < members.size(); ++k) {
      const EmbeddingOptions& feature = features_[members[k]];
      FeatureIds& layout = inputs[t][k].layout;
      const int64_t n = inputs[t][k].ids.numel();
      layout.positions = inverses[t].narrow(0, start, n);
      start += n;
      if (feature.combiner == Combiner::Sum || feature.combiner == Combiner::Mean) {
        pooled.push_back(&layout);
        mean.push_back(feature.combiner == Combiner::Mean);
        pooled_members.push_back(members[k]);
        continue;
      }
      outputs.embeddings[feature.name] =
          combine(unique_rows[t], layout, feature.combiner, feature.tile_len);
      if (feature.combiner == Combiner::Tile) {
        outputs.sequence_masks[feature.name] = tile_mask(layout.offsets[0], feature.tile_len);
      }
    }
    if (!pooled.empty()) {
      const TableRows table_rows{&tables_[t]->core().rows(), *row_numbers};
      std::vector<torch::Tensor> pooled_outputs =
          pool_features(unique_rows[t], pooled, mean, in_place[t] ? &table_rows : nullptr);
      for (std::size_t k = 0; k < pooled.size(); ++k) {
        outputs.embeddings[features_[pooled_members[k]].name] = std::move(pooled_outputs[k]);
      }
    }
  }
  return outputs;
}

void Engine::serve_peers(int64_t step) {
  if (!exchange_) throw Error("embedding: serve_peers needs a sharded (distributed) engine");
  const std::vector<std::span<const int64_t>> no_ids(tables_.size());
  const std::vector<std::span<const uint32_t>> no_counts(tables_.size());
  exchange_->lookup(no_ids, no_counts, step, LookupMode::Eval, *pool_);
}

void Engine::accumulate_gradients() {
  if (exchange_) {
    // Every rank pushes (zeros where a table got no gradient) so the collectives stay in step.
    std::vector<torch::Tensor> grads(tables_.size());
    bool any = false;
    for (std::size_t t = 0; t < tables_.size(); ++t) {
      if (!pending_[t].unique_rows.defined()) continue;
      grads[t] = pending_[t].unique_rows.grad();
      pending_[t] = Pending{};
      any = true;
    }
    if (any) exchange_->push_gradients(grads, accumulators_);
    return;
  }
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    Pending& pending = pending_[t];
    if (!pending.unique_rows.defined()) continue;
    const torch::Tensor grad = pending.unique_rows.grad();
    if (grad.defined()) accumulators_[t].add(pending.ids, pending.rows, pending.counts, grad);
    pending = Pending{};
  }
}

void Engine::discard_pending() {
  for (Pending& pending : pending_) pending = Pending{};
}

std::vector<SparseGrad> Engine::take_gradients() {
  std::vector<SparseGrad> grads;
  for (std::size_t t = 0; t < accumulators_.size(); ++t) {
    if (auto grad = take_gradient(t)) grads.push_back(std::move(*grad));
  }
  return grads;
}

std::optional<SparseGrad> Engine::take_gradient(std::size_t table) {
  return accumulators_.at(table).take();
}

std::vector<std::pair<std::size_t, SparseGrad>> Engine::accumulated_gradients() const {
  std::vector<std::pair<std::size_t, SparseGrad>> sums;
  for (std::size_t t = 0; t < accumulators_.size(); ++t) {
    if (const auto& sum = accumulators_[t].sum()) sums.emplace_back(t, *sum);
  }
  return sums;
}

void Engine::restore_accumulated_gradients(std::size_t table, const torch::Tensor& ids,
                                           const torch::Tensor& counts,
                                           const torch::Tensor& values) {
  const torch::Tensor id_values = ids.to(torch::kInt64).contiguous();
  const std::span<const int64_t> id_span(id_values.data_ptr<int64_t>(),
                                         static_cast<std::size_t>(id_values.numel()));
  const auto n = static_cast<int64_t>(id_span.size());
  if (values.dim() != 2 || values.size(0) != n ||
      values.size(1) != static_cast<int64_t>(tables_.at(table)->dim()) || counts.numel() != n) {
    throw Error("table '" + tables_[table]->name() + "': accumulated gradient of " +
                std::to_string(n) + " ids needs counts [n] and values [n, " +
                std::to_string(tables_[table]->dim()) + "]");
  }
  std::vector<int64_t> rows(id_span.size());
  tables_[table]->core().find(id_span, rows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] == TableCore::kNoRow) {
      throw Error("table '" + tables_[table]->name() + "': accumulated gradient of id " +
                  std::to_string(id_span[i]) + ", which has no row");
    }
  }
  const torch::Tensor count_values = counts.to(torch::kInt64).contiguous();
  std::vector<uint32_t> count_list(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    count_list[i] = static_cast<uint32_t>(count_values.data_ptr<int64_t>()[i]);
  }
  accumulators_[table].add(id_span, rows, count_list, values.to(torch::kFloat32).contiguous());
}

bool Engine::pools_from_table(std::size_t table) const {
  if (tables_[table]->core().rows().layout().element_type() != ElementType::F32) return false;
  for (std::size_t f : features_of_table_[table]) {
    if (features_[f].combiner != Combiner::Sum && features_[f].combiner != Combiner::Mean) {
      return false;
    }
  }
  return true;
}

TableCore::Evicted Engine::evict(int64_t step) {
  TableCore::Evicted total;
  for (auto& table : tables_) {
    const TableCore::Evicted evicted = table->core().evict(step);
    total.by_ttl += evicted.by_ttl;
    total.by_capacity += evicted.by_capacity;
  }
  return total;
}

void Engine::enforce_memory_budgets() {
  for (auto& table : tables_) table->core().enforce_budget();
}

}  // namespace recis::embedding

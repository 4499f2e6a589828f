#include "recis/feature/engine.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "recis/common/error.h"
#include "recis/common/threads.h"
#include "recis/feature/fused_kernels.h"

namespace recis::feature {
namespace {

// The output names of a feature: its name, or one per hash for multi_hash.
std::vector<std::string> output_names_of(const Feature& feature) {
  if (const auto* multi = std::get_if<MultiHashOp>(&feature.ops().back())) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < multi->num_buckets.size(); ++i) {
      names.push_back(feature.name() + "_multi_hash_" + std::to_string(i));
    }
    return names;
  }
  return {feature.name()};
}

// Column `name` for `feature`'s select, checking the rank when the select names one.
ragged::Column select_column(const ragged::Batch& batch, const Feature& feature,
                             const std::string& name, std::optional<int> dim) {
  const std::string context = op_context(feature.name(), feature.ops().front());
  if (!batch.contains(name)) {
    std::string present;
    for (const auto& column : batch.names()) present += (present.empty() ? "" : ", ") + column;
    throw ConfigError(context + ": the batch has no column '" + name +
                      "' (columns: " + (present.empty() ? "none" : present) + ")");
  }
  const ragged::Column& column = batch.at(name);
  if (dim) {
    const auto* ragged = std::get_if<ragged::RaggedTensor>(&column);
    const int rank = ragged ? ragged->num_levels() - (ragged->is_byte_strings() ? 1 : 0)
                            : static_cast<int>(std::get<torch::Tensor>(column).dim());
    if (rank != *dim) {
      throw ConfigError(context + ": column '" + name + "' has rank " + std::to_string(rank) +
                        ", expected dim " + std::to_string(*dim));
    }
  }
  return column;
}

}  // namespace

Engine::Engine(std::vector<Feature> features, std::size_t threads)
    : features_(std::move(features)) {
  std::set<std::string> names;
  std::set<std::string> outputs;
  std::unordered_map<std::string, std::size_t> by_signature;
  std::set<std::string> used;
  for (const Feature& feature : features_) {
    feature.check_chain();
    if (!names.insert(feature.name()).second) {
      throw ConfigError("feature '" + feature.name() + "' is defined twice");
    }
    for (const auto& output : output_names_of(feature)) {
      if (!outputs.insert(output).second) {
        throw ConfigError("feature '" + feature.name() + "' outputs '" + output +
                          "', which another feature outputs too");
      }
    }
    const auto [found, inserted] = by_signature.try_emplace(feature.signature(), computed_.size());
    if (inserted) computed_.push_back(&feature);
    computed_index_.push_back(found->second);
    for (const auto& column : feature.input_columns()) used.insert(column);
  }
  used_columns_.assign(used.begin(), used.end());

  std::size_t longest = 0;
  for (const Feature* feature : computed_) longest = std::max(longest, feature->ops().size());
  for (std::size_t op = 1; op < longest; ++op) {
    Step step;
    for (std::size_t f = 0; f < computed_.size(); ++f) {
      const auto& ops = computed_[f]->ops();
      if (op >= ops.size()) continue;
      const std::size_t kind = ops[op].index();
      auto group =
          std::find_if(step.begin(), step.end(), [kind](const Group& g) { return g.kind == kind; });
      if (group == step.end()) group = step.insert(step.end(), Group{kind, {}});
      group->features.push_back(f);
    }
    steps_.push_back(std::move(step));
  }
  pool_ = std::make_unique<ThreadPool>(
      std::max<std::size_t>(1, (threads ? threads : configured_threads())) - 1);
}

Engine::~Engine() = default;

std::vector<std::string> Engine::output_names() const {
  std::vector<std::string> names;
  for (const Feature& feature : features_) {
    for (auto& name : output_names_of(feature)) names.push_back(std::move(name));
  }
  return names;
}

void Engine::run_step(const Step& step, std::size_t op_index, ExecutionMode mode,
                      std::vector<std::vector<ragged::Column>>& values) const {
  for (const Group& group : step) {
    std::visit(
        [&]<class OpT>(const OpT&) {
          if constexpr (std::is_same_v<OpT, SelectOp> || std::is_same_v<OpT, SelectFieldsOp>) {
            throw Error("feature engine: select past the first op (check_chain missed it)");
          } else {
            std::vector<OpCall<OpT>> calls;
            for (std::size_t f : group.features) {
              calls.push_back({&computed_[f]->name(), &std::get<OpT>(computed_[f]->ops()[op_index]),
                               &values[f]});
            }
            std::vector<FeatureValue> outputs;
            if (mode == ExecutionMode::Fused) {
              outputs = run_fused(calls, *pool_);
            } else {
              for (const auto& call : calls) {
                outputs.push_back(std::move(run_fused(std::vector<OpCall<OpT>>{call}, *pool_)[0]));
              }
            }
            for (std::size_t i = 0; i < group.features.size(); ++i) {
              values[group.features[i]] = std::move(outputs[i]);
            }
          }
        },
        computed_[group.features.front()]->ops()[op_index]);
  }
}

ragged::Batch Engine::run(const ragged::Batch& input, ExecutionMode mode) const {
  std::vector<FeatureValue> values(computed_.size());
  for (std::size_t f = 0; f < computed_.size(); ++f) {
    const Feature& feature = *computed_[f];
    if (const auto* one = std::get_if<SelectOp>(&feature.ops().front())) {
      values[f].push_back(select_column(input, feature, one->column, one->dim));
    } else {
      for (const auto& column : std::get<SelectFieldsOp>(feature.ops().front()).columns) {
        values[f].push_back(select_column(input, feature, column, std::nullopt));
      }
    }
  }
  for (std::size_t k = 0; k < steps_.size(); ++k) run_step(steps_[k], k + 1, mode, values);

  ragged::Batch output;
  for (const auto& [name, column] : input) {
    if (!std::binary_search(used_columns_.begin(), used_columns_.end(), name)) {
      output.set(name, column);
    }
  }
  for (std::size_t i = 0; i < features_.size(); ++i) {
    const FeatureValue& value = values[computed_index_[i]];
    const auto names = output_names_of(features_[i]);
    if (names.size() != value.size()) {
      throw Error("feature '" + features_[i].name() + "' computed " + std::to_string(value.size()) +
                  " columns for " + std::to_string(names.size()) + " outputs");
    }
    for (std::size_t c = 0; c < names.size(); ++c) output.set(names[c], value[c]);
  }
  return output;
}

}  // namespace recis::feature

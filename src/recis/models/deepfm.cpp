#include "recis/models/deepfm.h"

#include <limits>

#include "recis/common/error.h"
#include "recis/models/input_access.h"

namespace recis::models {

torch::Tensor fm_interaction(const torch::Tensor& stacked) {
  const torch::Tensor sum = stacked.sum(1);
  const torch::Tensor sum_of_squares = stacked.square().sum(1);
  return 0.5 * (sum.square() - sum_of_squares).sum(1);
}

DeepFm::DeepFm(const DeepFmOptions& options) : fm_features_(options.fm_features) {
  if (fm_features_.size() < 2) throw Error("DeepFM: needs at least 2 FM embeddings");
  for (const auto& info : fm_features_) {
    if (info.is_sequence() || info.dim != fm_features_[0].dim) {
      throw Error("DeepFM: FM embedding '" + info.name + "' must be pooled with dim " +
                  std::to_string(fm_features_[0].dim));
    }
  }
  if (!options.wide_features.empty() || options.num_dense > 0) {
    first_order_ =
        register_module("first_order", FirstOrderTerm(options.wide_features, options.num_dense));
  }
  deep_ = register_module("deep", DeepPart(InputGroup(options.deep_features, options.num_dense),
                                           options.hidden, options.dropout));
}

torch::Tensor DeepFm::first_order_term(const ModelInputs& inputs) {
  if (first_order_) return first_order_->forward(inputs);
  const torch::Tensor any_input = pooled_embedding(inputs, fm_features_[0]);
  return torch::zeros({any_input.size(0)}, any_input.options());
}

torch::Tensor DeepFm::fm_term(const ModelInputs& inputs) {
  std::vector<torch::Tensor> vectors;
  vectors.reserve(fm_features_.size());
  for (const auto& info : fm_features_) vectors.push_back(pooled_embedding(inputs, info));
  return fm_interaction(torch::stack(vectors, 1));
}

torch::Tensor DeepFm::deep_term(const ModelInputs& inputs) { return deep_->forward(inputs); }

torch::Tensor DeepFm::forward(const ModelInputs& inputs) {
  torch::Tensor logit = fm_term(inputs) + deep_term(inputs);
  if (first_order_) logit = logit + first_order_->forward(inputs);
  return logit;
}

std::shared_ptr<Model> deepfm_from_config(ConfigReader& config, const InputSchema& schema) {
  constexpr int64_t kAnyDim = std::numeric_limits<int64_t>::max();
  DeepFmOptions options;
  options.num_dense = schema.num_dense;
  options.wide_features = config.embeddings("wide_features", schema, schema.pooled(1, 1));
  config.require_pooled("wide_features", options.wide_features, "the first-order part");
  config.require_dim("wide_features", options.wide_features, 1, "the first-order part");

  const bool fm_listed = config.has("fm_features");
  options.fm_features = config.embeddings("fm_features", schema, schema.pooled(2, kAnyDim));
  config.require_pooled("fm_features", options.fm_features, "the FM part");
  if (options.fm_features.size() < 2) {
    config.fail("fm_features", "the FM part needs at least 2 pooled embeddings, found " +
                                   std::to_string(options.fm_features.size()));
  }
  const std::string fm_rule =
      fm_listed ? "the FM part (its embeddings must share one dim)"
                : "the FM part (by default every pooled embedding of dim > 1; list the ones of "
                  "one dim in fm_features)";
  config.require_dim("fm_features", options.fm_features, options.fm_features[0].dim, fm_rule);

  options.deep_features = config.embeddings("deep_features", schema, schema.pooled(2, kAnyDim));
  options.hidden = config.layer_sizes("hidden", options.hidden);
  options.dropout = config.number("dropout", options.dropout, 0.0, 1.0);
  if (options.deep_features.empty() && options.num_dense == 0) {
    config.fail("deep_features", "the deep part has no inputs (no embeddings, no dense features)");
  }
  return std::make_shared<DeepFm>(options);
}

}  // namespace recis::models

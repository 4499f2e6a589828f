#include "recis/models/din.h"

#include "recis/common/error.h"

namespace recis::models {

Din::Din(const DinOptions& options) : sequence_(options.sequence), target_(options.target) {
  if (!sequence_.is_sequence()) {
    throw Error("DIN: '" + sequence_.name + "' must be a sequence embedding");
  }
  if (target_.is_sequence() || target_.dim != sequence_.dim) {
    throw Error("DIN: target '" + target_.name + "' must be pooled with the sequence's dim " +
                std::to_string(sequence_.dim));
  }
  InputGroup others(options.other_features, options.num_dense);
  const int64_t others_width = others.width();
  if (!others.empty()) others_.emplace(std::move(others));
  attention_ = register_module("attention", TargetAttention(sequence_.dim, options.attention_hidden,
                                                            options.attention_activation));
  tower_ = register_module(
      "tower", MlpTower(MlpTowerOptions(2 * sequence_.dim + others_width, options.hidden)
                            .dropout(options.dropout)));
  output_ = register_module("output", torch::nn::Linear(tower_->output_dim(), 1));
}

torch::Tensor Din::interest(const ModelInputs& inputs) {
  return attention_->forward(pooled_embedding(inputs, target_),
                             sequence_embedding(inputs, sequence_),
                             sequence_mask(inputs, sequence_));
}

torch::Tensor Din::forward(const ModelInputs& inputs) {
  std::vector<torch::Tensor> parts = {interest(inputs), pooled_embedding(inputs, target_)};
  if (others_) parts.push_back(others_->concat(inputs));
  return output_->forward(tower_->forward(torch::cat(parts, 1))).squeeze(1);
}

std::shared_ptr<Model> din_from_config(ConfigReader& config, const InputSchema& schema) {
  DinOptions options;
  options.num_dense = schema.num_dense;
  options.sequence = config.embedding("sequence", schema);
  if (!options.sequence.is_sequence()) {
    config.fail("sequence", "'" + options.sequence.name +
                                "' is pooled [B, dim]; DIN attends over a sequence [B, L, dim]");
  }
  options.target = config.embedding("target", schema);
  config.require_pooled("target", {options.target}, "the attention query");
  config.require_dim("target", {options.target}, options.sequence.dim,
                     "the attention query (the sequence's dim)");

  std::vector<EmbeddingInfo> fallback;
  for (const auto& info : schema.pooled()) {
    if (info.name != options.target.name) fallback.push_back(info);
  }
  options.other_features = config.embeddings("other_features", schema, fallback);
  for (const auto& info : options.other_features) {
    if (info.name == options.sequence.name || info.name == options.target.name) {
      config.fail("other_features", "'" + info.name + "' is already the sequence or the target");
    }
  }
  options.attention_hidden = config.layer_sizes("attention_hidden", options.attention_hidden);
  options.attention_activation =
      config.choice("attention_activation", "sigmoid", {"sigmoid", "relu"}) == "sigmoid"
          ? Activation::kSigmoid
          : Activation::kReLU;
  options.hidden = config.layer_sizes("hidden", options.hidden);
  options.dropout = config.number("dropout", options.dropout, 0.0, 1.0);
  return std::make_shared<Din>(options);
}

}  // namespace recis::models

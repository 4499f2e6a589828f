#include "recis/models/target_attention.h"

namespace recis::models {

TargetAttentionImpl::TargetAttentionImpl(int64_t dim, std::vector<int64_t> hidden,
                                         Activation activation) {
  tower_ = register_module(
      "tower", MlpTower(MlpTowerOptions(4 * dim, std::move(hidden)).activation(activation)));
  score_ = register_module("score", torch::nn::Linear(tower_->output_dim(), 1));
}

torch::Tensor TargetAttentionImpl::scores(const torch::Tensor& query,
                                          const torch::Tensor& valid_keys,
                                          const torch::Tensor& mask) {
  const torch::Tensor queries = query.unsqueeze(1).expand_as(valid_keys);
  const torch::Tensor features =
      torch::cat({queries, valid_keys, queries - valid_keys, queries * valid_keys}, -1);
  const torch::Tensor raw = score_->forward(tower_->forward(features)).squeeze(-1);
  return torch::where(mask, raw, torch::zeros({}, raw.options()));
}

torch::Tensor TargetAttentionImpl::forward(const torch::Tensor& query, const torch::Tensor& keys,
                                           const torch::Tensor& mask) {
  const torch::Tensor valid_keys =
      torch::where(mask.unsqueeze(-1), keys, torch::zeros({}, keys.options()));
  const torch::Tensor weights = scores(query, valid_keys, mask);
  return (weights.unsqueeze(-1) * valid_keys).sum(1);
}

}  // namespace recis::models

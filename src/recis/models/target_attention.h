// TargetAttention: DIN's activation unit (Zhou et al. 2018). For each sequence position t,
// an MLP over [q, k_t, q - k_t, q * k_t] followed by Linear(., 1) scores how relevant behaviour
// k_t is to the target q; the output is sum_t score_t * k_t over the valid positions. As in the
// paper the scores are not normalised (no softmax), so the output also carries how much
// relevant history there is.
// Thread-safety: a torch::nn::Module; one thread runs forward/backward at a time.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "recis/models/mlp_tower.h"

namespace recis::models {

class TargetAttentionImpl : public torch::nn::Module {
 public:
  TargetAttentionImpl(int64_t dim, std::vector<int64_t> hidden, Activation activation);

  // query [B, d], keys [B, L, d], mask bool [B, L] (true = valid). Returns [B, d]. Keys at
  // invalid positions may hold anything: they are zeroed before use, so neither their values
  // nor their gradients reach the result.
  torch::Tensor forward(const torch::Tensor& query, const torch::Tensor& keys,
                        const torch::Tensor& mask);

  // The scores forward() weighs the keys with: [B, L], 0 at invalid positions.
  torch::Tensor scores(const torch::Tensor& query, const torch::Tensor& valid_keys,
                       const torch::Tensor& mask);

 private:
  MlpTower tower_{nullptr};
  torch::nn::Linear score_{nullptr};
};

TORCH_MODULE(TargetAttention);

}  // namespace recis::models

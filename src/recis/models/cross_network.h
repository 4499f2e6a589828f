// CrossNetwork: DCNv2's cross layers (Wang et al. 2021), x_{l+1} = x0 * (W_l x_l + b_l) + x_l
// (elementwise *), with W_l a full d x d matrix or, when low_rank = r > 0, the product U_l V_l
// of a d x r and an r x d matrix (the paper's low-rank mixture with one expert).
// Parameters of layer l: full "cross{l}.weight" (W), "cross{l}.bias" (b); low rank
// "down{l}.weight" (V, r x d, no bias), "up{l}.weight" (U, d x r), "up{l}.bias" (b).
// Thread-safety: a torch::nn::Module; one thread runs forward/backward at a time.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace recis::models {

class CrossNetworkImpl : public torch::nn::Module {
 public:
  // dim > 0, num_layers > 0, low_rank >= 0 (0: full-rank layers).
  CrossNetworkImpl(int64_t dim, int64_t num_layers, int64_t low_rank);

  // [B, dim] -> [B, dim].
  torch::Tensor forward(const torch::Tensor& x0);

 private:
  std::vector<torch::nn::Linear> full_;  // per layer when full rank
  std::vector<torch::nn::Linear> down_;  // per layer when low rank: V
  std::vector<torch::nn::Linear> up_;    // per layer when low rank: U and b
};

TORCH_MODULE(CrossNetwork);

}  // namespace recis::models

// MlpTower: Linear -> activation (-> dropout) for each hidden size; the building block of every
// model's deep part and of DIN's attention unit. With no hidden sizes it is the identity.
//   MlpTower tower(MlpTowerOptions(in, {400, 400}).dropout(0.1));
//   torch::Tensor h = tower->forward(x);  // [B, in] -> [B, 400]
// Dropout is active only in training mode (module->train()).
// Thread-safety: a torch::nn::Module; one thread runs forward/backward at a time.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace recis::models {

enum class Activation { kReLU, kSigmoid };

struct MlpTowerOptions {
  MlpTowerOptions(int64_t input_dim, std::vector<int64_t> hidden)
      : input_dim_(input_dim), hidden_(std::move(hidden)) {}
  TORCH_ARG(int64_t, input_dim);
  TORCH_ARG(std::vector<int64_t>, hidden);
  TORCH_ARG(double, dropout) = 0.0;
  TORCH_ARG(Activation, activation) = Activation::kReLU;
};

class MlpTowerImpl : public torch::nn::Module {
 public:
  explicit MlpTowerImpl(MlpTowerOptions options);

  // [..., input_dim] -> [..., output_dim()].
  torch::Tensor forward(torch::Tensor x);
  // The last hidden size, or input_dim when there are no hidden layers.
  int64_t output_dim() const;

 private:
  MlpTowerOptions options_;
  std::vector<torch::nn::Linear> layers_;
  torch::nn::Dropout dropout_{nullptr};
};

TORCH_MODULE(MlpTower);

}  // namespace recis::models

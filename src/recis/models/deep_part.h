// DeepPart: the deep tower of MLP, DeepFM and Wide&Deep. Concatenates its InputGroup (flat
// embeddings, then dense features), runs an MlpTower and a final Linear(., 1): a logit [B].
// Thread-safety: a torch::nn::Module; one thread runs forward/backward at a time.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "recis/models/input_access.h"
#include "recis/models/mlp_tower.h"
#include "recis/models/model.h"

namespace recis::models {

class DeepPartImpl : public torch::nn::Module {
 public:
  // The group must not be empty (throws recis::Error).
  DeepPartImpl(InputGroup inputs, std::vector<int64_t> hidden, double dropout);

  torch::Tensor forward(const ModelInputs& inputs);

 private:
  InputGroup inputs_;
  MlpTower tower_{nullptr};
  torch::nn::Linear output_{nullptr};
};

TORCH_MODULE(DeepPart);

}  // namespace recis::models

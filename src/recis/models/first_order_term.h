// FirstOrderTerm: the linear part of DeepFM and the wide part of Wide&Deep. The sum of the dim-1
// embeddings (each is one learned weight per id, looked up by the embedding engine) plus a linear
// layer over the dense features plus a bias: [B].
// Thread-safety: a torch::nn::Module; one thread runs forward/backward at a time.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "recis/models/model.h"

namespace recis::models {

class FirstOrderTermImpl : public torch::nn::Module {
 public:
  // Every embedding must be pooled with dim 1, and there must be at least one embedding or
  // num_dense > 0 (throws recis::Error otherwise).
  FirstOrderTermImpl(std::vector<EmbeddingInfo> embeddings, int64_t num_dense);

  torch::Tensor forward(const ModelInputs& inputs);

 private:
  std::vector<EmbeddingInfo> embeddings_;
  int64_t num_dense_;
  torch::nn::Linear dense_{nullptr};
  torch::Tensor bias_;
};

TORCH_MODULE(FirstOrderTerm);

}  // namespace recis::models

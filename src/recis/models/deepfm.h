// DeepFM ([model] type = "deepfm", Guo et al. 2017): logit = first-order term + FM second-order
// term + deep tower.
//   first order: sum of the dim-1 embeddings + linear over the dense features + bias
//   FM:          0.5 * sum_k ((sum_f v_fk)^2 - sum_f v_fk^2) over the FM embeddings (one dim)
//                = sum over pairs f < g of <v_f, v_g>
//   deep:        MLP over concat(deep embeddings, dense) -> Linear(., 1)
// Thread-safety: a torch::nn::Module; one thread runs forward/backward at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "recis/models/config_reader.h"
#include "recis/models/deep_part.h"
#include "recis/models/first_order_term.h"
#include "recis/models/model.h"

namespace recis::models {

// [B, F, d] -> [B]: the sum of the dot products of every pair of the F vectors of a row.
torch::Tensor fm_interaction(const torch::Tensor& stacked);

struct DeepFmOptions {
  std::vector<EmbeddingInfo> wide_features;  // pooled, dim 1
  std::vector<EmbeddingInfo> fm_features;    // pooled, all one dim, at least 2
  std::vector<EmbeddingInfo> deep_features;  // flattened; with the dense features
  int64_t num_dense = 0;                     // dense features feed the first order and deep parts
  std::vector<int64_t> hidden = {400, 400, 400};
  double dropout = 0.0;
};

class DeepFm : public Model {
 public:
  // Throws recis::Error when the options break the rules above.
  explicit DeepFm(const DeepFmOptions& options);

  torch::Tensor forward(const ModelInputs& inputs) override;

  // The three terms forward() adds, each [B]; first_order_term is zeros without wide or dense
  // inputs.
  torch::Tensor first_order_term(const ModelInputs& inputs);
  torch::Tensor fm_term(const ModelInputs& inputs);
  torch::Tensor deep_term(const ModelInputs& inputs);

 private:
  std::vector<EmbeddingInfo> fm_features_;
  FirstOrderTerm first_order_{nullptr};
  DeepPart deep_{nullptr};
};

// Keys: wide_features (default: the pooled dim-1 embeddings), fm_features (default: the pooled
// embeddings of dim > 1, which must then share one dim), deep_features (default: the pooled
// embeddings of dim > 1), hidden, dropout.
std::shared_ptr<Model> deepfm_from_config(ConfigReader& config, const InputSchema& schema);

}  // namespace recis::models

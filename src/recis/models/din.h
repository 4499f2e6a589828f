// DIN ([model] type = "din", Zhou et al. 2018): a TargetAttention over a behaviour sequence,
// queried by the target item's embedding, gives the user's interest in that item; the MLP reads
// concat(interest, target, other features, dense) and a final Linear(., 1) gives the logit.
// Thread-safety: a torch::nn::Module; one thread runs forward/backward at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "recis/models/config_reader.h"
#include "recis/models/input_access.h"
#include "recis/models/mlp_tower.h"
#include "recis/models/model.h"
#include "recis/models/target_attention.h"

namespace recis::models {

struct DinOptions {
  EmbeddingInfo sequence;                     // a sequence [B, L, d]
  EmbeddingInfo target;                       // pooled [B, d], the same d
  std::vector<EmbeddingInfo> other_features;  // flattened into the MLP input
  int64_t num_dense = 0;
  std::vector<int64_t> attention_hidden = {80, 40};
  Activation attention_activation = Activation::kSigmoid;  // as DIN's reference code
  std::vector<int64_t> hidden = {200, 80};
  double dropout = 0.0;
};

class Din : public Model {
 public:
  // Throws recis::Error when the sequence is pooled, the target is a sequence, or their dims
  // differ.
  explicit Din(const DinOptions& options);

  torch::Tensor forward(const ModelInputs& inputs) override;

  // The attention's output for these inputs: [B, d].
  torch::Tensor interest(const ModelInputs& inputs);

 private:
  EmbeddingInfo sequence_;
  EmbeddingInfo target_;
  std::optional<InputGroup> others_;
  TargetAttention attention_{nullptr};
  MlpTower tower_{nullptr};
  torch::nn::Linear output_{nullptr};
};

// Keys: sequence, target (required names), other_features (default: every pooled embedding but
// the target), attention_hidden ([80, 40]), attention_activation ("sigmoid" | "relu"),
// hidden ([200, 80]), dropout.
std::shared_ptr<Model> din_from_config(ConfigReader& config, const InputSchema& schema);

}  // namespace recis::models

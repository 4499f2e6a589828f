// MlpModel ([model] type = "mlp"): one MLP tower over the concatenated embeddings and dense
// features. The baseline every other model should beat.
// Thread-safety: a torch::nn::Module; one thread runs forward/backward at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "recis/models/config_reader.h"
#include "recis/models/deep_part.h"
#include "recis/models/model.h"

namespace recis::models {

struct MlpModelOptions {
  std::vector<EmbeddingInfo> features;  // flattened (sequences: L * dim, padding zeroed)
  int64_t num_dense = 0;
  std::vector<int64_t> hidden = {400, 400, 400};
  double dropout = 0.0;
};

class MlpModel : public Model {
 public:
  explicit MlpModel(const MlpModelOptions& options);
  torch::Tensor forward(const ModelInputs& inputs) override;

 private:
  DeepPart deep_{nullptr};
};

// Keys: features (default: every pooled embedding), hidden, dropout.
std::shared_ptr<Model> mlp_from_config(ConfigReader& config, const InputSchema& schema);

}  // namespace recis::models

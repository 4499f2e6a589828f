// DCNv2 ([model] type = "dcnv2", Wang et al. 2021): x0 = concat(embeddings, dense) goes through a
// CrossNetwork and an MLP tower, either stacked (cross -> MLP -> Linear) or in parallel
// (Linear over concat(cross(x0), MLP(x0))). The logit is the final Linear's output.
// Thread-safety: a torch::nn::Module; one thread runs forward/backward at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "recis/models/config_reader.h"
#include "recis/models/cross_network.h"
#include "recis/models/input_access.h"
#include "recis/models/mlp_tower.h"
#include "recis/models/model.h"

namespace recis::models {

enum class CrossStructure { kStacked, kParallel };

struct DcnV2Options {
  std::vector<EmbeddingInfo> features;  // flattened into x0, then the dense features
  int64_t num_dense = 0;
  int64_t cross_layers = 3;
  int64_t low_rank = 0;  // 0: full-rank cross layers
  CrossStructure structure = CrossStructure::kStacked;
  std::vector<int64_t> hidden = {400, 400, 400};  // may be empty: cross network only
  double dropout = 0.0;
};

class DcnV2 : public Model {
 public:
  // Throws recis::Error when there are no inputs or the cross settings are out of range.
  explicit DcnV2(const DcnV2Options& options);

  torch::Tensor forward(const ModelInputs& inputs) override;

 private:
  InputGroup inputs_;
  CrossStructure structure_;
  CrossNetwork cross_{nullptr};
  MlpTower tower_{nullptr};
  torch::nn::Linear output_{nullptr};
};

// Keys: features (default: every pooled embedding), cross_layers (3), low_rank (0),
// structure ("stacked" | "parallel"), hidden, dropout.
std::shared_ptr<Model> dcn_v2_from_config(ConfigReader& config, const InputSchema& schema);

}  // namespace recis::models

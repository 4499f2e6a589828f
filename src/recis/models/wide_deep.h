// Wide&Deep ([model] type = "wide_deep", Cheng et al. 2016): logit = wide part + deep tower.
//   wide: sum of the dim-1 embeddings (one learned weight per id, e.g. of crossed features)
//         + linear over the dense features + bias
//   deep: MLP over concat(deep embeddings, dense) -> Linear(., 1)
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

struct WideDeepOptions {
  std::vector<EmbeddingInfo> wide_features;  // pooled, dim 1
  std::vector<EmbeddingInfo> deep_features;  // flattened; with the dense features
  int64_t num_dense = 0;  // dense features feed both parts; wide needs them or wide features
  std::vector<int64_t> hidden = {400, 400, 400};
  double dropout = 0.0;
};

class WideDeep : public Model {
 public:
  // Throws recis::Error when the options break the rules above.
  explicit WideDeep(const WideDeepOptions& options);

  torch::Tensor forward(const ModelInputs& inputs) override;

 private:
  FirstOrderTerm wide_{nullptr};
  DeepPart deep_{nullptr};
};

// Keys: wide_features (default: the pooled dim-1 embeddings), deep_features (default: the pooled
// embeddings of dim > 1), hidden, dropout.
std::shared_ptr<Model> wide_deep_from_config(ConfigReader& config, const InputSchema& schema);

}  // namespace recis::models

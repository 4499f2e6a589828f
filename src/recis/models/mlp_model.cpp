#include "recis/models/mlp_model.h"

namespace recis::models {

MlpModel::MlpModel(const MlpModelOptions& options) {
  deep_ = register_module("deep", DeepPart(InputGroup(options.features, options.num_dense),
                                           options.hidden, options.dropout));
}

torch::Tensor MlpModel::forward(const ModelInputs& inputs) { return deep_->forward(inputs); }

std::shared_ptr<Model> mlp_from_config(ConfigReader& config, const InputSchema& schema) {
  MlpModelOptions options;
  options.features = config.embeddings("features", schema, schema.pooled());
  options.num_dense = schema.num_dense;
  options.hidden = config.layer_sizes("hidden", options.hidden);
  options.dropout = config.number("dropout", options.dropout, 0.0, 1.0);
  if (options.features.empty() && options.num_dense == 0) {
    config.fail("features", "the model has no inputs (no embeddings listed, no dense features)");
  }
  return std::make_shared<MlpModel>(options);
}

}  // namespace recis::models

#include "recis/models/wide_deep.h"

#include <limits>

namespace recis::models {

WideDeep::WideDeep(const WideDeepOptions& options) {
  wide_ = register_module("wide", FirstOrderTerm(options.wide_features, options.num_dense));
  deep_ = register_module("deep", DeepPart(InputGroup(options.deep_features, options.num_dense),
                                           options.hidden, options.dropout));
}

torch::Tensor WideDeep::forward(const ModelInputs& inputs) {
  return wide_->forward(inputs) + deep_->forward(inputs);
}

std::shared_ptr<Model> wide_deep_from_config(ConfigReader& config, const InputSchema& schema) {
  WideDeepOptions options;
  options.num_dense = schema.num_dense;
  options.wide_features = config.embeddings("wide_features", schema, schema.pooled(1, 1));
  config.require_pooled("wide_features", options.wide_features, "the wide part");
  config.require_dim("wide_features", options.wide_features, 1, "the wide part");
  if (options.wide_features.empty() && options.num_dense == 0) {
    config.fail("wide_features",
                "the wide part has no inputs: no dim-1 embeddings and no dense features");
  }
  options.deep_features = config.embeddings("deep_features", schema,
                                            schema.pooled(2, std::numeric_limits<int64_t>::max()));
  options.hidden = config.layer_sizes("hidden", options.hidden);
  options.dropout = config.number("dropout", options.dropout, 0.0, 1.0);
  if (options.deep_features.empty() && options.num_dense == 0) {
    config.fail("deep_features", "the deep part has no inputs (no embeddings, no dense features)");
  }
  return std::make_shared<WideDeep>(options);
}

}  // namespace recis::models

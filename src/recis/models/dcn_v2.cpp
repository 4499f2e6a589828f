#include "recis/models/dcn_v2.h"

#include "recis/common/error.h"

namespace recis::models {

DcnV2::DcnV2(const DcnV2Options& options)
    : inputs_(options.features, options.num_dense), structure_(options.structure) {
  if (inputs_.empty()) throw Error("DCNv2: has no inputs");
  const int64_t width = inputs_.width();
  cross_ = register_module("cross", CrossNetwork(width, options.cross_layers, options.low_rank));
  tower_ = register_module(
      "tower", MlpTower(MlpTowerOptions(width, options.hidden).dropout(options.dropout)));
  const int64_t output_width =
      structure_ == CrossStructure::kStacked ? tower_->output_dim() : width + tower_->output_dim();
  output_ = register_module("output", torch::nn::Linear(output_width, 1));
}

torch::Tensor DcnV2::forward(const ModelInputs& inputs) {
  const torch::Tensor x0 = inputs_.concat(inputs);
  const torch::Tensor top = structure_ == CrossStructure::kStacked
                                ? tower_->forward(cross_->forward(x0))
                                : torch::cat({cross_->forward(x0), tower_->forward(x0)}, 1);
  return output_->forward(top).squeeze(1);
}

std::shared_ptr<Model> dcn_v2_from_config(ConfigReader& config, const InputSchema& schema) {
  DcnV2Options options;
  options.num_dense = schema.num_dense;
  options.features = config.embeddings("features", schema, schema.pooled());
  if (options.features.empty() && options.num_dense == 0) {
    config.fail("features", "the model has no inputs (no embeddings listed, no dense features)");
  }
  options.cross_layers = config.integer("cross_layers", options.cross_layers, 1, 64);
  options.low_rank = config.integer("low_rank", options.low_rank, 0, ConfigReader::kMaxLayerSize);
  constexpr int64_t kMaxFullRankWidth = 8192;
  const int64_t width = InputGroup(options.features, options.num_dense).width();
  if (options.low_rank == 0 && width > kMaxFullRankWidth) {
    config.fail("low_rank", "x0 has " + std::to_string(width) +
                                " columns, too many for full-rank cross layers (at most " +
                                std::to_string(kMaxFullRankWidth) + "); set low_rank, e.g. 64");
  }
  options.structure = config.choice("structure", "stacked", {"stacked", "parallel"}) == "stacked"
                          ? CrossStructure::kStacked
                          : CrossStructure::kParallel;
  options.hidden = config.layer_sizes("hidden", options.hidden);
  options.dropout = config.number("dropout", options.dropout, 0.0, 1.0);
  return std::make_shared<DcnV2>(options);
}

}  // namespace recis::models

#include "recis/models/deep_part.h"

#include "recis/common/error.h"

namespace recis::models {

DeepPartImpl::DeepPartImpl(InputGroup inputs, std::vector<int64_t> hidden, double dropout)
    : inputs_(std::move(inputs)) {
  if (inputs_.empty()) throw Error("deep part: has no inputs");
  tower_ = register_module(
      "tower", MlpTower(MlpTowerOptions(inputs_.width(), std::move(hidden)).dropout(dropout)));
  output_ = register_module("output", torch::nn::Linear(tower_->output_dim(), 1));
}

torch::Tensor DeepPartImpl::forward(const ModelInputs& inputs) {
  return output_->forward(tower_->forward(inputs_.concat(inputs))).squeeze(1);
}

}  // namespace recis::models

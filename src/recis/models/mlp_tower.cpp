#include "recis/models/mlp_tower.h"

namespace recis::models {

MlpTowerImpl::MlpTowerImpl(MlpTowerOptions options) : options_(std::move(options)) {
  int64_t width = options_.input_dim();
  for (std::size_t i = 0; i < options_.hidden().size(); ++i) {
    const int64_t out = options_.hidden()[i];
    layers_.push_back(register_module("linear" + std::to_string(i), torch::nn::Linear(width, out)));
    width = out;
  }
  if (options_.dropout() > 0) {
    dropout_ = register_module("dropout", torch::nn::Dropout(options_.dropout()));
  }
}

torch::Tensor MlpTowerImpl::forward(torch::Tensor x) {
  for (auto& layer : layers_) {
    x = layer->forward(x);
    x = options_.activation() == Activation::kReLU ? torch::relu(x) : torch::sigmoid(x);
    if (dropout_) x = dropout_->forward(x);
  }
  return x;
}

int64_t MlpTowerImpl::output_dim() const {
  return options_.hidden().empty() ? options_.input_dim() : options_.hidden().back();
}

}  // namespace recis::models

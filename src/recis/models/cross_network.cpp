#include "recis/models/cross_network.h"

#include "recis/common/error.h"

namespace recis::models {

CrossNetworkImpl::CrossNetworkImpl(int64_t dim, int64_t num_layers, int64_t low_rank) {
  if (dim <= 0 || num_layers <= 0 || low_rank < 0) {
    throw Error("cross network: needs dim > 0, num_layers > 0 and low_rank >= 0, got dim " +
                std::to_string(dim) + ", num_layers " + std::to_string(num_layers) + ", low_rank " +
                std::to_string(low_rank));
  }
  for (int64_t l = 0; l < num_layers; ++l) {
    const std::string index = std::to_string(l);
    if (low_rank == 0) {
      full_.push_back(register_module("cross" + index, torch::nn::Linear(dim, dim)));
    } else {
      down_.push_back(register_module(
          "down" + index, torch::nn::Linear(torch::nn::LinearOptions(dim, low_rank).bias(false))));
      up_.push_back(register_module("up" + index, torch::nn::Linear(low_rank, dim)));
    }
  }
}

torch::Tensor CrossNetworkImpl::forward(const torch::Tensor& x0) {
  torch::Tensor x = x0;
  for (auto& layer : full_) x = x0 * layer->forward(x) + x;
  for (std::size_t l = 0; l < down_.size(); ++l) {
    x = x0 * up_[l]->forward(down_[l]->forward(x)) + x;
  }
  return x;
}

}  // namespace recis::models

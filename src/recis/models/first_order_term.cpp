#include "recis/models/first_order_term.h"

#include "recis/common/error.h"
#include "recis/models/input_access.h"

namespace recis::models {

FirstOrderTermImpl::FirstOrderTermImpl(std::vector<EmbeddingInfo> embeddings, int64_t num_dense)
    : embeddings_(std::move(embeddings)), num_dense_(num_dense) {
  for (const auto& info : embeddings_) {
    if (info.is_sequence() || info.dim != 1) {
      throw Error("first-order term: embedding '" + info.name + "' must be pooled with dim 1");
    }
  }
  if (embeddings_.empty() && num_dense_ == 0) {
    throw Error("first-order term: needs dim-1 embeddings or dense features");
  }
  if (num_dense_ > 0) {
    dense_ = register_module(
        "dense", torch::nn::Linear(torch::nn::LinearOptions(num_dense_, 1).bias(false)));
  }
  bias_ = register_parameter("bias", torch::zeros({1}));
}

torch::Tensor FirstOrderTermImpl::forward(const ModelInputs& inputs) {
  torch::Tensor sum = bias_;
  for (const auto& info : embeddings_) sum = sum + pooled_embedding(inputs, info).squeeze(1);
  if (dense_) sum = sum + dense_->forward(dense_features(inputs, num_dense_)).squeeze(1);
  return sum;
}

}  // namespace recis::models

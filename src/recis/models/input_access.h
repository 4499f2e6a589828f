// Reading a model's inputs by name, with the shape checks that turn a wiring mistake into an
// error naming the embedding instead of a libtorch shape message deep inside a layer.
// InputGroup is the set of inputs one part of a model reads (the deep tower's embeddings plus
// the dense features), resolved against the schema when the model is built.
// Called by the models' forward(). Thread-safety: pure functions; InputGroup is immutable.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "recis/models/model.h"

namespace recis::models {

// [B, dim]. Throws recis::Error when the embedding is missing or not [B, dim].
torch::Tensor pooled_embedding(const ModelInputs& inputs, const EmbeddingInfo& info);

// [B, L, dim] with every position the mask marks invalid set to zero (padding never leaks into
// a model, whatever values it holds). Throws recis::Error when missing or mis-shaped.
torch::Tensor sequence_embedding(const ModelInputs& inputs, const EmbeddingInfo& info);

// bool [B, L]: the sequence's mask, or all true when ModelInputs has none for it.
torch::Tensor sequence_mask(const ModelInputs& inputs, const EmbeddingInfo& info);

// [B, info.flat_width()]: a pooled embedding as is, a sequence zeroed at padding and flattened.
torch::Tensor flat_embedding(const ModelInputs& inputs, const EmbeddingInfo& info);

// float [B, num_dense]. Throws recis::Error when undefined or mis-shaped.
torch::Tensor dense_features(const ModelInputs& inputs, int64_t num_dense);

class InputGroup {
 public:
  // num_dense == 0: the group has no dense part.
  InputGroup(std::vector<EmbeddingInfo> embeddings, int64_t num_dense);

  const std::vector<EmbeddingInfo>& embeddings() const { return embeddings_; }
  int64_t num_dense() const { return num_dense_; }
  // Columns of concat(): the embeddings' flat widths plus num_dense.
  int64_t width() const { return width_; }
  bool empty() const { return width_ == 0; }

  // [B, width()]: flat embeddings in order, then the dense features. Throws recis::Error when an
  // input is missing, mis-shaped, or has another batch size than the others. Requires !empty().
  torch::Tensor concat(const ModelInputs& inputs) const;

 private:
  std::vector<EmbeddingInfo> embeddings_;
  int64_t num_dense_;
  int64_t width_;
};

}  // namespace recis::models

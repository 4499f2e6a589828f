// The contract between the trainer and a dense model. Before training, the trainer describes what
// the embedding engine will hand over (InputSchema); build_model() (model_factory.h) turns the
// [model] config and that schema into a Model; every step the trainer calls Model::forward with
// the step's ModelInputs and gets one logit per example (no sigmoid: the loss is
// binary_cross_entropy_with_logits).
// Thread-safety: a Model is a torch::nn::Module; one thread runs forward/backward at a time.
// Schemas and inputs are plain values.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace recis::models {

// One named output of the embedding engine.
struct EmbeddingInfo {
  std::string name;
  int64_t dim = 0;
  // 0: pooled (sum/mean combiner), a [B, dim] tensor. L > 0: a sequence (tile/sequence
  // combiner), a [B, L, dim] tensor whose valid positions ModelInputs::sequence_masks marks.
  int64_t sequence_length = 0;

  bool is_sequence() const { return sequence_length > 0; }
  // Width once flattened into an MLP input: dim, or L * dim for a sequence.
  int64_t flat_width() const { return is_sequence() ? sequence_length * dim : dim; }
};

// What the trainer knows before building the model.
struct InputSchema {
  std::vector<EmbeddingInfo> embeddings;
  int64_t num_dense = 0;  // width of ModelInputs::dense; 0 when there are no dense inputs

  // nullptr when no embedding has that name.
  const EmbeddingInfo* find(const std::string& name) const;
  // The pooled embeddings with min_dim <= dim <= max_dim, in schema order.
  std::vector<EmbeddingInfo> pooled(int64_t min_dim = 1, int64_t max_dim = INT64_MAX) const;
};

// One step's inputs.
struct ModelInputs {
  // Name -> [B, dim] (pooled) or [B, L, dim] (sequence), as the schema says.
  std::map<std::string, torch::Tensor> embeddings;
  // Sequence name -> bool [B, L], true at real positions. A sequence without an entry has every
  // position valid.
  std::map<std::string, torch::Tensor> sequence_masks;
  // float [B, num_dense]; undefined when the schema has num_dense == 0.
  torch::Tensor dense;
};

// A dense model. Subclasses register their submodules and parameters in the constructor.
class Model : public torch::nn::Module {
 public:
  // Logits [B]. Throws recis::Error when an input the model reads is missing or mis-shaped.
  virtual torch::Tensor forward(const ModelInputs& inputs) = 0;
};

}  // namespace recis::models

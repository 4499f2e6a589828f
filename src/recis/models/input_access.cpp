#include "recis/models/input_access.h"

#include <sstream>

#include "recis/common/error.h"

namespace recis::models {
namespace {

std::string shape_of(const torch::Tensor& tensor) {
  std::ostringstream out;
  out << tensor.sizes();
  return out.str();
}

const torch::Tensor& find_embedding(const ModelInputs& inputs, const EmbeddingInfo& info) {
  const auto found = inputs.embeddings.find(info.name);
  if (found == inputs.embeddings.end() || !found->second.defined()) {
    throw Error("model input: embedding '" + info.name + "' is missing");
  }
  return found->second;
}

}  // namespace

torch::Tensor pooled_embedding(const ModelInputs& inputs, const EmbeddingInfo& info) {
  const torch::Tensor& tensor = find_embedding(inputs, info);
  if (tensor.dim() != 2 || tensor.size(1) != info.dim) {
    throw Error("model input: embedding '" + info.name + "' must be [B, " +
                std::to_string(info.dim) + "], got " + shape_of(tensor));
  }
  return tensor;
}

torch::Tensor sequence_mask(const ModelInputs& inputs, const EmbeddingInfo& info) {
  const torch::Tensor& values = find_embedding(inputs, info);
  const auto found = inputs.sequence_masks.find(info.name);
  if (found == inputs.sequence_masks.end() || !found->second.defined()) {
    return torch::ones({values.size(0), info.sequence_length},
                       torch::TensorOptions().dtype(torch::kBool).device(values.device()));
  }
  const torch::Tensor& mask = found->second;
  if (mask.dim() != 2 || mask.size(0) != values.size(0) || mask.size(1) != info.sequence_length) {
    throw Error("model input: mask of sequence '" + info.name + "' must be [" +
                std::to_string(values.size(0)) + ", " + std::to_string(info.sequence_length) +
                "], got " + shape_of(mask));
  }
  return mask.to(torch::kBool);
}

torch::Tensor sequence_embedding(const ModelInputs& inputs, const EmbeddingInfo& info) {
  const torch::Tensor& tensor = find_embedding(inputs, info);
  if (tensor.dim() != 3 || tensor.size(1) != info.sequence_length || tensor.size(2) != info.dim) {
    throw Error("model input: sequence '" + info.name + "' must be [B, " +
                std::to_string(info.sequence_length) + ", " + std::to_string(info.dim) + "], got " +
                shape_of(tensor));
  }
  const torch::Tensor mask = sequence_mask(inputs, info).unsqueeze(-1);
  return torch::where(mask, tensor, torch::zeros({}, tensor.options()));
}

torch::Tensor flat_embedding(const ModelInputs& inputs, const EmbeddingInfo& info) {
  if (!info.is_sequence()) return pooled_embedding(inputs, info);
  return sequence_embedding(inputs, info).flatten(1);
}

torch::Tensor dense_features(const ModelInputs& inputs, int64_t num_dense) {
  if (!inputs.dense.defined()) {
    throw Error("model input: dense features are missing (the schema has " +
                std::to_string(num_dense) + ")");
  }
  if (inputs.dense.dim() != 2 || inputs.dense.size(1) != num_dense) {
    throw Error("model input: dense features must be [B, " + std::to_string(num_dense) + "], got " +
                shape_of(inputs.dense));
  }
  return inputs.dense;
}

InputGroup::InputGroup(std::vector<EmbeddingInfo> embeddings, int64_t num_dense)
    : embeddings_(std::move(embeddings)), num_dense_(num_dense), width_(num_dense) {
  for (const auto& info : embeddings_) width_ += info.flat_width();
}

torch::Tensor InputGroup::concat(const ModelInputs& inputs) const {
  std::vector<torch::Tensor> parts;
  parts.reserve(embeddings_.size() + 1);
  for (const auto& info : embeddings_) parts.push_back(flat_embedding(inputs, info));
  if (num_dense_ > 0) parts.push_back(dense_features(inputs, num_dense_));
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].size(0) != parts[0].size(0)) {
      const std::string name = i < embeddings_.size() ? embeddings_[i].name : "dense";
      throw Error("model input: '" + name + "' has batch size " + std::to_string(parts[i].size(0)) +
                  ", '" + embeddings_[0].name + "' has " + std::to_string(parts[0].size(0)));
    }
  }
  return torch::cat(parts, 1);
}

}  // namespace recis::models

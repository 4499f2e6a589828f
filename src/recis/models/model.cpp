#include "recis/models/model.h"

namespace recis::models {

const EmbeddingInfo* InputSchema::find(const std::string& name) const {
  for (const auto& embedding : embeddings) {
    if (embedding.name == name) return &embedding;
  }
  return nullptr;
}

std::vector<EmbeddingInfo> InputSchema::pooled(int64_t min_dim, int64_t max_dim) const {
  std::vector<EmbeddingInfo> out;
  for (const auto& embedding : embeddings) {
    if (!embedding.is_sequence() && embedding.dim >= min_dim && embedding.dim <= max_dim) {
      out.push_back(embedding);
    }
  }
  return out;
}

}  // namespace recis::models

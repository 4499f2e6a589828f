// combine: one feature's output from its table's unique rows. `unique_rows` [n, dim] holds the
// batch's deduplicated embeddings (a leaf that autograd tracks when training); `ids` says, per id
// of the feature, which unique row it reads, in the feature's ragged layout. The combiners are
// autograd functions (bag_sum.h, index_select), so backward yields the gradient of unique_rows:
// per unique id, its gradient summed over every occurrence.
//   sum / mean: [B, dim], over all ids of the row (3 levels: over every inner list); weights
//     scale each id; mean divides the weighted sum by the row's id count (empty rows give 0).
//   tile(len): [B, len, dim], the row's first len entries, zero-padded; an entry is one id
//     (2 levels) or the weighted sum of one inner list (3 levels).
//   none: [N, dim], one unweighted embedding per id in value order.
// pool_features computes the sum/mean outputs of all of a table's pooled features with one
// bag_sum call over their concatenated ids (one backward pass, one gradient buffer for the
// table); combine handles one feature of any combiner.
// Called by embedding::Engine. Thread-safety: pure functions.
#pragma once

#include <torch/torch.h>

#include <cstddef>
#include <optional>
#include <vector>

#include "recis/embedding/bag_sum.h"
#include "recis/embedding/embedding_options.h"

namespace recis::embedding {

struct FeatureIds {
  torch::Tensor positions;             // int64 [N]: row of unique_rows each id reads
  std::vector<torch::Tensor> offsets;  // ragged offsets, outermost first (1 or 2 tensors)
  std::optional<torch::Tensor> weights;  // float32 [N]
  int64_t batch_size() const { return offsets.front().numel() - 1; }
};

// bool [B, len]: true at the positions tile(len) fills from the row's entries.
torch::Tensor tile_mask(const torch::Tensor& row_offsets, std::size_t len);

torch::Tensor combine(const torch::Tensor& unique_rows, const FeatureIds& ids, Combiner combiner,
                      std::size_t tile_len);

// One output per feature, as combine(unique_rows, *features[k], mean[k] ? Mean : Sum, 0) gives.
// With `table`, the rows are read from the table's storage (fused gather, bag_sum.h) and
// unique_rows is only the leaf that receives their gradient.
std::vector<torch::Tensor> pool_features(const torch::Tensor& unique_rows,
                                         const std::vector<const FeatureIds*>& features,
                                         const std::vector<bool>& mean,
                                         const TableRows* table = nullptr);

}  // namespace recis::embedding

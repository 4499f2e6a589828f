// bag_sum: out[b] = sum over j in [offsets[b], offsets[b+1]) of weights[j] * rows[positions[j]],
// the pooling behind every sum/mean feature (combine.h), as an autograd function of `rows` only
// (weights are data). It replaces torch::embedding_bag, whose CPU backward sorts the positions
// to build the rows' gradient; here the backward scatters each bag's gradient straight into the
// rows' gradient, each thread over its own range of rows, so a row sums its entries in entry order
// whatever the thread count (results do not depend on it). Both passes run four lanes at a time
// (common/float4.h) and prefetch the randomly ordered rows ahead.
// Callers: combine.cpp. Thread-safety: pure function of its tensors.
#pragma once

#include <torch/torch.h>

#include <optional>

namespace recis::embedding {

// rows: float32 [n, dim]; positions: int64 [m] in [0, n); offsets: int64 [bags + 1], starting at
// 0 and ending at m; weights: float32 [m] or none. Returns float32 [bags, dim].
torch::Tensor bag_sum(const torch::Tensor& rows, const torch::Tensor& positions,
                      const torch::Tensor& offsets, const std::optional<torch::Tensor>& weights);

}  // namespace recis::embedding

// bag_sum: out[b] = sum over j in [offsets[b], offsets[b+1]) of weights[j] * rows[positions[j]],
// the pooling behind every sum/mean feature (combine.h), as an autograd function of `rows` only
// (weights are data). It replaces torch::embedding_bag, whose CPU backward sorts the positions
// to build the rows' gradient; here the backward scatters each bag's gradient straight into the
// rows' gradient, each thread over its own range of rows, so a row sums its entries in entry order
// whatever the thread count (results do not depend on it). Both passes run four lanes at a time
// (common/float4.h) and prefetch the randomly ordered rows ahead.
// Fused gather + pooling: given TableRows, the forward reads each row straight from the table's
// storage instead of from a gathered copy, so the batch's unique rows are never copied out; `rows`
// is then only the autograd leaf that receives their gradient (its values are never read).
// Callers: combine.cpp. Thread-safety: pure function of its tensors (and of the table's rows,
// which must not change during the call).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <span>

#include "recis/embedding/core/row_blocks.h"

namespace recis::embedding {

// Row i of bag_sum's `rows` is the fp32 embedding of table row numbers[i]; TableCore::kNoRow
// reads zeros.
struct TableRows {
  const RowBlocks* blocks = nullptr;  // fp32 storage
  std::span<const int64_t> numbers;
};

// rows: float32 [n, dim]; positions: int64 [m] in [0, n); offsets: int64 [bags + 1], starting at
// 0 and ending at m; weights: float32 [m] or none; table: where the rows are read (see above),
// or null to read `rows`. Returns float32 [bags, dim].
torch::Tensor bag_sum(const torch::Tensor& rows, const torch::Tensor& positions,
                      const torch::Tensor& offsets, const std::optional<torch::Tensor>& weights,
                      const TableRows* table = nullptr);

}  // namespace recis::embedding

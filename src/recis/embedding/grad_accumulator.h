// GradAccumulator: the sparse gradient of one table summed over the micro-batches of a step. Each
// add() brings one backward's unique ids, their rows and occurrence counts and gradient rows; an
// id seen in several micro-batches gets one entry whose gradient and count are the sums, so k
// accumulated micro-batches equal one batch of their union exactly. Ids without a row (not
// admitted) carry no gradient and are dropped. Used by embedding::Engine; take() hands the sum to
// the sparse optimizer. Thread-safety: none (the training thread owns it).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>

#include "recis/embedding/sparse_grad.h"

namespace recis::embedding {

class GradAccumulator {
 public:
  explicit GradAccumulator(TableCore* table) : table_(table) {}

  // grad: float32 [ids.size(), dim]; rows and counts one per id.
  void add(std::span<const int64_t> ids, std::span<const int64_t> rows,
           std::span<const uint32_t> counts, const torch::Tensor& grad);
  bool empty() const { return !sum_.has_value(); }
  // The sum so far, left in place (checkpoints inside an accumulation).
  const std::optional<SparseGrad>& sum() const { return sum_; }
  // The sum so far (nullopt when nothing was added), leaving the accumulator empty.
  std::optional<SparseGrad> take();

 private:
  TableCore* table_;
  std::optional<SparseGrad> sum_;
  std::unordered_map<int64_t, int64_t> index_of_id_;  // filled from the second add() on
};

}  // namespace recis::embedding

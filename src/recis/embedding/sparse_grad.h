// SparseGrad: the gradient of one physical embedding table, as backward leaves it for the sparse
// optimizer: the unique ids a step touched, their rows, and their gradient rows summed over every
// occurrence (and over every micro-batch when gradients are accumulated). There is never a dense
// gradient over the whole table.
// Produced by embedding::Engine (backward, accumulate); consumed by optim::SparseOptimizer and
// optim::clip_grad_global_norm. Thread-safety: a plain value.
#pragma once

#include <torch/torch.h>

#include "recis/embedding/core/table_core.h"

namespace recis::embedding {

struct SparseGrad {
  TableCore* table = nullptr;  // whose rows the optimizer updates, in place
  torch::Tensor ids;           // int64 [n], unique
  torch::Tensor rows;          // int64 [n], row numbers in table->rows(); never kNoRow
  torch::Tensor values;        // float32 [n, dim], summed gradient rows
  torch::Tensor counts;        // int64 [n], occurrences of each id (grad_reduce_by = id)
};

}  // namespace recis::embedding

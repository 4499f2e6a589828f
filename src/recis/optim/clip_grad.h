// clip_grad_global_norm: gradient clipping by one global L2 norm over sparse and dense gradients
// together, as torch::nn::utils::clip_grad_norm_ over all parameters: with
//   total = sqrt(sum over sparse rows of ||scale_i * g_i||^2 + sum over dense params of ||grad||^2)
// every sparse value and dense .grad() is multiplied by max_norm / (total + 1e-6) when that is
// below 1. scale_i is `reduction`'s factor (pass the sparse optimizer's grad_reduction()), so the
// norm is the one of the gradient the optimizer applies; scaling commutes with the reduction.
// Dense params without a gradient are skipped. Returns the total norm before clipping.
// Distributed runs pass sum_over_ranks: each rank holds the sparse gradients of the rows it owns,
// so their squared norm is summed over the ranks (dense gradients are already all-reduced).
// Called by the trainer between backward and the optimizer steps. Thread-safety: writes the
// gradients in place; no other thread may use them meanwhile.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <span>
#include <vector>

#include "recis/embedding/sparse_grad.h"
#include "recis/optim/grad_reduce.h"

namespace recis::optim {

// Throws ConfigError for max_norm <= 0 or not finite, Error for malformed sparse gradients.
double clip_grad_global_norm(std::span<embedding::SparseGrad> sparse,
                             const std::vector<torch::Tensor>& dense_params, double max_norm,
                             const GradReduction& reduction = {},
                             const std::function<double(double)>& sum_over_ranks = {});

}  // namespace recis::optim

#include "recis/optim/clip_grad.h"

#include <cmath>
#include <string>

#include "recis/common/error.h"

namespace recis::optim {
namespace {

double sparse_squared_norm(const embedding::SparseGrad& grad, const GradReduction& reduction,
                           std::size_t index) {
  const std::string where = "clip_grad_global_norm: sparse gradient " + std::to_string(index);
  const auto& values = grad.values;
  if (!values.defined() || values.scalar_type() != torch::kFloat32 || values.dim() != 2) {
    throw Error(where + ": values must be a float32 [rows, dim] tensor");
  }
  if (reduction.by == GradReduce::Worker) {
    const double norm = values.norm().item<double>() / static_cast<double>(reduction.world_size);
    return norm * norm;
  }
  const auto& counts = grad.counts;
  if (!counts.defined() || counts.dim() != 1 || counts.numel() != values.size(0)) {
    throw Error(where + ": grad_reduce_by = id needs one count per gradient row");
  }
  const torch::Tensor row_norms = values.to(torch::kFloat64).norm(2, {1});
  return (row_norms / counts.to(torch::kFloat64)).square().sum().item<double>();
}

}  // namespace

double clip_grad_global_norm(std::span<embedding::SparseGrad> sparse,
                             const std::vector<torch::Tensor>& dense_params, double max_norm,
                             const GradReduction& reduction,
                             const std::function<double(double)>& sum_over_ranks) {
  if (!std::isfinite(max_norm) || max_norm <= 0) {
    throw ConfigError("clip_grad_global_norm: max_norm must be a finite number > 0, got " +
                      std::to_string(max_norm));
  }
  double squared = 0;
  for (std::size_t i = 0; i < sparse.size(); ++i) {
    squared += sparse_squared_norm(sparse[i], reduction, i);
  }
  if (sum_over_ranks) squared = sum_over_ranks(squared);
  for (const auto& param : dense_params) {
    const torch::Tensor& grad = param.grad();
    if (!grad.defined()) continue;
    const double norm = grad.norm().item<double>();
    squared += norm * norm;
  }
  const double total = std::sqrt(squared);
  const double coefficient = max_norm / (total + 1e-6);
  if (coefficient < 1) {
    for (auto& grad : sparse) grad.values.mul_(coefficient);
    for (const auto& param : dense_params) {
      torch::Tensor grad = param.grad();
      if (grad.defined()) grad.mul_(coefficient);
    }
  }
  return total;
}

}  // namespace recis::optim

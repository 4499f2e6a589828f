#include "recis/optim/adagrad.h"

#include <cmath>

#include "recis/optim/optimizer_checks.h"
#include "recis/optim/row_update.h"

namespace recis::optim {
namespace {

struct AdagradKernel {
  float clr, weight_decay, initial_sum, eps;
  void operator()(float* __restrict w, const float* __restrict g, float scale, float* const* slots,
                  std::size_t dim) const {
    float* __restrict sum = slots[0];
    for (std::size_t d = 0; d < dim; ++d) {
      const float grad = g[d] * scale + weight_decay * w[d];
      sum[d] += grad * grad;
      w[d] -= clr * grad / (std::sqrt(sum[d] + initial_sum) + eps);
    }
  }
};

}  // namespace

Adagrad::Adagrad(const SparseOptimizerOptions& base, const AdagradOptions& options)
    : SparseOptimizer(base), options_(options) {
  check_non_negative("adagrad", "lr_decay", options.lr_decay);
  check_non_negative("adagrad", "weight_decay", options.weight_decay);
  check_non_negative("adagrad", "initial_accumulator_value", options.initial_accumulator_value);
  check_non_negative("adagrad", "eps", options.eps);
}

std::vector<embedding::SlotSpec> Adagrad::slots(std::size_t dim) const {
  return {{"adagrad_sum", dim}};
}

void Adagrad::update(const embedding::SparseGrad& grad, std::span<const std::size_t> slot_indexes,
                     int64_t t) {
  const double clr = lr() / (1 + static_cast<double>(t - 1) * options_.lr_decay);
  update_rows(pool(), grad, grad_reduction(), slot_indexes,
              AdagradKernel{static_cast<float>(clr), static_cast<float>(options_.weight_decay),
                            static_cast<float>(options_.initial_accumulator_value),
                            static_cast<float>(options_.eps)});
}

}  // namespace recis::optim

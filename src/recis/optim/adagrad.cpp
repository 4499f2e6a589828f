#include "recis/optim/adagrad.h"

#include <cmath>

#include "recis/common/float4.h"
#include "recis/optim/optimizer_checks.h"
#include "recis/optim/row_update.h"

namespace recis::optim {
namespace {

struct AdagradKernel {
  float clr, weight_decay, initial_sum, eps;
  void operator()(float* __restrict w, const float* __restrict g, float scale, float* const* slots,
                  std::size_t dim) const {
    float* __restrict sum = slots[0];
    for_each_lane(dim, [&]<typename T>(std::size_t d) {
      const T grad = load<T>(g + d) * splat<T>(scale) + splat<T>(weight_decay) * load<T>(w + d);
      const T sum_new = load<T>(sum + d) + grad * grad;
      store(sum + d, sum_new);
      store(w + d, load<T>(w + d) - splat<T>(clr) * grad /
                                        (sqrt(sum_new + splat<T>(initial_sum)) + splat<T>(eps)));
    });
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

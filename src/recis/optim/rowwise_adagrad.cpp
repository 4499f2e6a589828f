#include "recis/optim/rowwise_adagrad.h"

#include <cmath>

#include "recis/common/float4.h"
#include "recis/optim/optimizer_checks.h"
#include "recis/optim/row_update.h"

namespace recis::optim {
namespace {

struct RowwiseAdagradKernel {
  float lr, initial_sum, eps;
  void operator()(float* __restrict w, const float* __restrict g, float scale, float* const* slots,
                  std::size_t dim) const {
    float squares = 0;
    for (std::size_t d = 0; d < dim; ++d) squares += g[d] * g[d];
    float& sum = *slots[0];
    sum += squares * scale * scale / static_cast<float>(dim);
    const float step = lr * scale / (std::sqrt(sum + initial_sum) + eps);
    for_each_lane(dim, [&]<typename T>(std::size_t d) {
      store(w + d, load<T>(w + d) - splat<T>(step) * load<T>(g + d));
    });
  }
};

}  // namespace

RowwiseAdagrad::RowwiseAdagrad(const SparseOptimizerOptions& base,
                               const RowwiseAdagradOptions& options)
    : SparseOptimizer(base), options_(options) {
  check_non_negative("rowwise_adagrad", "initial_accumulator_value",
                     options.initial_accumulator_value);
  check_non_negative("rowwise_adagrad", "eps", options.eps);
}

std::vector<embedding::SlotSpec> RowwiseAdagrad::slots(std::size_t) const {
  return {{"rowwise_adagrad_sum", 1}};
}

void RowwiseAdagrad::update(const embedding::SparseGrad& grad,
                            std::span<const std::size_t> slot_indexes, int64_t) {
  update_rows(pool(), grad, grad_reduction(), slot_indexes,
              RowwiseAdagradKernel{static_cast<float>(lr()),
                                   static_cast<float>(options_.initial_accumulator_value),
                                   static_cast<float>(options_.eps)});
}

}  // namespace recis::optim

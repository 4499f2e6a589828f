#include "recis/optim/sgd.h"

#include "recis/common/float4.h"
#include "recis/optim/optimizer_checks.h"
#include "recis/optim/row_update.h"

namespace recis::optim {
namespace {

struct SgdKernel {
  float lr, weight_decay;
  void operator()(float* __restrict w, const float* __restrict g, float scale, float* const*,
                  std::size_t dim) const {
    for_each_lane(dim, [&]<typename T>(std::size_t d) {
      const T weight = load<T>(w + d);
      store(w + d, weight - splat<T>(lr) * (load<T>(g + d) * splat<T>(scale) +
                                            splat<T>(weight_decay) * weight));
    });
  }
};

}  // namespace

Sgd::Sgd(const SparseOptimizerOptions& base, const SgdOptions& options)
    : SparseOptimizer(base), options_(options) {
  check_non_negative("sgd", "weight_decay", options.weight_decay);
}

std::vector<embedding::SlotSpec> Sgd::slots(std::size_t) const { return {}; }

void Sgd::update(const embedding::SparseGrad& grad, std::span<const std::size_t> slot_indexes,
                 int64_t) {
  update_rows(pool(), grad, grad_reduction(), slot_indexes,
              SgdKernel{static_cast<float>(lr()), static_cast<float>(options_.weight_decay)});
}

}  // namespace recis::optim

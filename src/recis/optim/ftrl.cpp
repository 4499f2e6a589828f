#include "recis/optim/ftrl.h"

#include <cmath>

#include "recis/common/error.h"
#include "recis/optim/optimizer_checks.h"
#include "recis/optim/row_update.h"

namespace recis::optim {
namespace {

struct SquareRoot {
  float operator()(float n) const { return std::sqrt(n); }
};
struct Power {
  float exponent;
  float operator()(float n) const { return std::pow(n, exponent); }
};

// `power` computes n^(-lr_power).
template <typename PowerFn>
struct FtrlKernel {
  float inv_lr, l1, two_l2, beta, initial_n;
  PowerFn power;
  void operator()(float* __restrict w, const float* __restrict g, float scale, float* const* slots,
                  std::size_t dim) const {
    float* __restrict z = slots[0];
    float* __restrict n = slots[1];
    for (std::size_t d = 0; d < dim; ++d) {
      const float grad = g[d] * scale;
      const float n_old = n[d] + initial_n;
      const float n_new = n_old + grad * grad;
      const float power_new = power(n_new);
      z[d] += grad - (power_new - power(n_old)) * inv_lr * w[d];
      n[d] = n_new - initial_n;
      const float quadratic = (beta + power_new) * inv_lr + two_l2;
      const float shrunk = z[d] > 0 ? l1 - z[d] : -l1 - z[d];
      w[d] = std::abs(z[d]) <= l1 ? 0.0f : shrunk / quadratic;
    }
  }
};

}  // namespace

Ftrl::Ftrl(const SparseOptimizerOptions& base, const FtrlOptions& options)
    : SparseOptimizer(base), options_(options) {
  if (!(options.lr_power <= 0)) {
    throw ConfigError("ftrl: 'lr_power' must be <= 0, got " + std::to_string(options.lr_power));
  }
  check_non_negative("ftrl", "l1", options.l1);
  check_non_negative("ftrl", "l2", options.l2);
  check_non_negative("ftrl", "beta", options.beta);
  check_non_negative("ftrl", "initial_accumulator_value", options.initial_accumulator_value);
}

std::vector<embedding::SlotSpec> Ftrl::slots(std::size_t dim) const {
  return {{"ftrl_z", dim}, {"ftrl_n", dim}};
}

void Ftrl::update(const embedding::SparseGrad& grad, std::span<const std::size_t> slot_indexes,
                  int64_t) {
  if (lr() == 0) return;  // FTRL divides by lr; a zero rate leaves rows as they are
  const auto inv_lr = static_cast<float>(1 / lr());
  const auto l1 = static_cast<float>(options_.l1);
  const auto two_l2 = static_cast<float>(2 * options_.l2);
  const auto beta = static_cast<float>(options_.beta);
  const auto initial_n = static_cast<float>(options_.initial_accumulator_value);
  if (options_.lr_power == -0.5) {
    update_rows(pool(), grad, grad_reduction(), slot_indexes,
                FtrlKernel<SquareRoot>{inv_lr, l1, two_l2, beta, initial_n, {}});
  } else {
    update_rows(pool(), grad, grad_reduction(), slot_indexes,
                FtrlKernel<Power>{
                    inv_lr, l1, two_l2, beta, initial_n, {static_cast<float>(-options_.lr_power)}});
  }
}

}  // namespace recis::optim

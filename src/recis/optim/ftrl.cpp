#include "recis/optim/ftrl.h"

#include <cfloat>
#include <cmath>

#include "recis/common/error.h"
#include "recis/common/float4.h"
#include "recis/optim/optimizer_checks.h"
#include "recis/optim/row_update.h"

namespace recis::optim {
namespace {

struct SquareRoot {
  template <typename T>
  T operator()(T n) const {
    return sqrt(n);
  }
};
// Any exponent: std::pow, one lane at a time.
struct Power {
  float exponent;
  float operator()(float n) const { return std::pow(n, exponent); }
  Float4 operator()(Float4 n) const {
    float lanes[4];
    store(lanes, n);
    for (float& lane : lanes) lane = std::pow(lane, exponent);
    return load<Float4>(lanes);
  }
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
    for_each_lane(dim, [&]<typename T>(std::size_t d) {
      const T grad = load<T>(g + d) * splat<T>(scale);
      const T n_old = load<T>(n + d) + splat<T>(initial_n);
      const T n_new = n_old + grad * grad;
      const T power_new = power(n_new);
      const T z_new =
          load<T>(z + d) + (grad - (power_new - power(n_old)) * splat<T>(inv_lr) * load<T>(w + d));
      store(z + d, z_new);
      store(n + d, n_new - splat<T>(initial_n));
      const T quadratic = (splat<T>(beta) + power_new) * splat<T>(inv_lr) + splat<T>(two_l2);
      // (clamp(z, -l1, l1) - z) is 0 for |z| <= l1 and sign(z)*l1 - z beyond it. quadratic is 0
      // only while n is (z is then 0 too): the floor keeps 0 / 0 from making w NaN.
      const T clamped = min(max(z_new, splat<T>(-l1)), splat<T>(l1));
      store(w + d, (clamped - z_new) / max(quadratic, splat<T>(FLT_MIN)));
    });
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

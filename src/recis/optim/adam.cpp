#include "recis/optim/adam.h"

#include <cmath>

#include "recis/common/float4.h"
#include "recis/optim/optimizer_checks.h"
#include "recis/optim/row_update.h"

namespace recis::optim {
namespace {

// Torch's Adam and AdamW: `decay` multiplies w first (1 for Adam), `l2` adds to the gradient.
struct TorchAdamKernel {
  float beta1, beta2, eps, l2, decay, step_size, bias_correction2_sqrt;
  void operator()(float* __restrict w, const float* __restrict g, float scale, float* const* slots,
                  std::size_t dim) const {
    float* __restrict m = slots[0];
    float* __restrict v = slots[1];
    for_each_lane(dim, [&]<typename T>(std::size_t d) {
      const T grad = load<T>(g + d) * splat<T>(scale) + splat<T>(l2) * load<T>(w + d);
      const T m_new = load<T>(m + d) * splat<T>(beta1) + splat<T>(1 - beta1) * grad;
      const T v_new = load<T>(v + d) * splat<T>(beta2) + splat<T>(1 - beta2) * grad * grad;
      store(m + d, m_new);
      store(v + d, v_new);
      store(w + d, load<T>(w + d) * splat<T>(decay) -
                       splat<T>(step_size) * m_new /
                           (sqrt(v_new) / splat<T>(bias_correction2_sqrt) + splat<T>(eps)));
    });
  }
};

// TensorFlow's Adam after RecIS's decay: bias correction folded into lr_t.
struct TfAdamKernel {
  float beta1, beta2, eps, decay, lr_t;
  void operator()(float* __restrict w, const float* __restrict g, float scale, float* const* slots,
                  std::size_t dim) const {
    float* __restrict m = slots[0];
    float* __restrict v = slots[1];
    for_each_lane(dim, [&]<typename T>(std::size_t d) {
      const T grad = load<T>(g + d) * splat<T>(scale);
      const T m_new = load<T>(m + d) * splat<T>(beta1) + splat<T>(1 - beta1) * grad;
      const T v_new = load<T>(v + d) * splat<T>(beta2) + splat<T>(1 - beta2) * grad * grad;
      store(m + d, m_new);
      store(v + d, v_new);
      store(w + d, load<T>(w + d) * splat<T>(decay) -
                       splat<T>(lr_t) * m_new / (sqrt(v_new) + splat<T>(eps)));
    });
  }
};

}  // namespace

Adam::Adam(const SparseOptimizerOptions& base, const AdamOptions& options, AdamVariant variant)
    : SparseOptimizer(base), options_(options), variant_(variant) {
  const std::string_view who = name();
  check_beta(who, "beta1", options.beta1);
  check_beta(who, "beta2", options.beta2);
  check_non_negative(who, "eps", options.eps);
  check_non_negative(who, "weight_decay", options.weight_decay);
}

std::string_view Adam::name() const {
  switch (variant_) {
    case AdamVariant::AdamW:
      return "adamw";
    case AdamVariant::AdamWTF:
      return "adamw_tf";
    case AdamVariant::Adam:
      break;
  }
  return "adam";
}

std::vector<embedding::SlotSpec> Adam::slots(std::size_t dim) const {
  return {{"adam_m", dim}, {"adam_v", dim}};
}

void Adam::update(const embedding::SparseGrad& grad, std::span<const std::size_t> slot_indexes,
                  int64_t t) {
  const double bias_correction1 = 1 - std::pow(options_.beta1, static_cast<double>(t));
  const double bias_correction2 = 1 - std::pow(options_.beta2, static_cast<double>(t));
  const auto beta1 = static_cast<float>(options_.beta1);
  const auto beta2 = static_cast<float>(options_.beta2);
  const auto eps = static_cast<float>(options_.eps);
  if (variant_ == AdamVariant::AdamWTF) {
    const TfAdamKernel kernel{
        beta1, beta2, eps, static_cast<float>(1 - options_.weight_decay),
        static_cast<float>(lr() * std::sqrt(bias_correction2) / bias_correction1)};
    update_rows(pool(), grad, grad_reduction(), slot_indexes, kernel);
    return;
  }
  const bool decoupled = variant_ == AdamVariant::AdamW;
  const TorchAdamKernel kernel{
      beta1,
      beta2,
      eps,
      static_cast<float>(decoupled ? 0.0 : options_.weight_decay),
      static_cast<float>(decoupled ? 1 - lr() * options_.weight_decay : 1.0),
      static_cast<float>(lr() / bias_correction1),
      static_cast<float>(std::sqrt(bias_correction2))};
  update_rows(pool(), grad, grad_reduction(), slot_indexes, kernel);
}

}  // namespace recis::optim

#include "recis/datagen/zipf_sampler.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "recis/common/error.h"

namespace recis::datagen {
namespace {

// log1p(x) / x, continuous at 0.
double log1p_over_x(double x) {
  return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}

// expm1(x) / x, continuous at 0.
double expm1_over_x(double x) {
  return std::abs(x) > 1e-8 ? std::expm1(x) / x
                            : 1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x));
}

}  // namespace

ZipfSampler::ZipfSampler(std::uint64_t n, double exponent) : n_(n), exponent_(exponent) {
  if (n == 0) throw ConfigError("Zipf sampler: the vocabulary size must be at least 1");
  if (!(exponent > 0) || !std::isfinite(exponent)) {
    throw ConfigError("Zipf sampler: the exponent must be a positive number, got " +
                      std::to_string(exponent));
  }
  h_integral_x1_ = h_integral(1.5) - 1.0;
  h_integral_n_ = h_integral(static_cast<double>(n) + 0.5);
  squeeze_ = 2.0 - h_integral_inverse(h_integral(2.5) - h(2.0));
}

double ZipfSampler::h(double x) const { return std::exp(-exponent_ * std::log(x)); }

double ZipfSampler::h_integral(double x) const {
  const double log_x = std::log(x);
  return expm1_over_x((1.0 - exponent_) * log_x) * log_x;
}

double ZipfSampler::h_integral_inverse(double x) const {
  const double t = std::max(-1.0, x * (1.0 - exponent_));
  return std::exp(log1p_over_x(t) * x);
}

std::uint64_t ZipfSampler::sample(CounterRandom& random) const {
  // Ranks are 1-based inside the algorithm.
  const double top = static_cast<double>(n_);
  for (;;) {
    const double u = h_integral_n_ + random.uniform() * (h_integral_x1_ - h_integral_n_);
    const double x = h_integral_inverse(u);
    const double k = std::clamp(std::floor(x + 0.5), 1.0, top);
    if (k - x <= squeeze_ || u >= h_integral(k + 0.5) - h(k))
      return static_cast<std::uint64_t>(k) - 1;
  }
}

}  // namespace recis::datagen

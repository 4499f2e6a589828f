// ZipfSampler draws ranks 0 .. n-1 with P(rank = k) proportional to (k + 1)^-exponent, in O(1)
// time and memory per draw (Hörmann and Derflinger's rejection-inversion), so a 1M-id vocabulary
// costs no table. Used by the Criteo-like row sampler. Thread-safety: immutable after
// construction; sample() may be called concurrently with each caller's own CounterRandom.
#pragma once

#include <cstdint>

#include "recis/datagen/counter_random.h"

namespace recis::datagen {

class ZipfSampler {
 public:
  // Throws ConfigError unless n >= 1 and exponent > 0.
  ZipfSampler(std::uint64_t n, double exponent);

  std::uint64_t sample(CounterRandom& random) const;

  std::uint64_t size() const { return n_; }
  double exponent() const { return exponent_; }

 private:
  // h(x) = x^-exponent, its integral H (with H(1) = 0) and H's inverse, over x >= 1.
  double h(double x) const;
  double h_integral(double x) const;
  double h_integral_inverse(double x) const;

  std::uint64_t n_;
  double exponent_;
  double h_integral_x1_;
  double h_integral_n_;
  double squeeze_;
};

}  // namespace recis::datagen

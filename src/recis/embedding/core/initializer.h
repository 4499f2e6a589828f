// Initializer: the initial values of a new embedding row. A row's values are a pure function of
// (seed, table id, feature id): each element is drawn from Philox4x32-10 keyed by
// (seed, table id) at counter (feature id, element index), so an id gets the same initial row in
// any thread order, shard, insertion order, rank or after resharding, and again after eviction.
// Distributions: constant, uniform, normal, truncated normal, and Xavier/Kaiming (uniform/normal),
// which reduce to uniform or normal with a scale computed from fan-in/fan-out.
// Callers: TableCore (on insert) and whoever needs a row's initial value. Thread-safety:
// immutable after construction; fill() is safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace recis::embedding {

enum class InitKind {
  Constant,
  Uniform,
  Normal,
  TruncatedNormal,
  XavierUniform,
  XavierNormal,
  KaimingUniform,
  KaimingNormal,
};

// Parses "constant", "uniform", "normal", "truncated_normal", "xavier_uniform",
// "xavier_normal", "kaiming_uniform", "kaiming_normal"; throws ConfigError otherwise.
InitKind parse_init_kind(std::string_view name);

struct InitializerSpec {
  InitKind kind = InitKind::Uniform;
  double value = 0.0;                // Constant
  double low = -0.01, high = 0.01;   // Uniform: [low, high)
  double mean = 0.0, stddev = 1.0;   // Normal, TruncatedNormal
  double lower = -2.0, upper = 2.0;  // TruncatedNormal: absolute bounds, as torch's trunc_normal_
  double gain = 1.0;                 // Xavier: scale; Kaiming: the nonlinearity gain (sqrt(2) relu)
  // Xavier uses both; Kaiming uses fan_in (fan_mode "fan_in") or fan_out. 0 means the row's dim.
  double fan_in = 0.0, fan_out = 0.0;
  bool kaiming_fan_out = false;
};

class Initializer {
 public:
  // Validates the spec against `dim` (the embedding width); throws ConfigError when a parameter
  // is out of range (high <= low, stddev <= 0, empty truncation interval, ...).
  Initializer(const InitializerSpec& spec, std::size_t dim);

  // Writes the initial row of `id` (out.size() == dim).
  void fill(uint64_t seed, int64_t table_id, int64_t id, std::span<float> out) const;

  // The distribution the spec reduced to, and its parameters (for logs and tests).
  enum class Distribution { Constant, Uniform, Normal, TruncatedNormal };
  Distribution distribution() const { return distribution_; }
  double param_a() const { return a_; }  // value | low | mean | mean
  double param_b() const { return b_; }  // -    | high | stddev | stddev
  std::string describe() const;

 private:
  Distribution distribution_;
  double a_ = 0, b_ = 0;
  // Truncated normal: the standard normal CDF at the standardized bounds, and the bounds.
  double cdf_lower_ = 0, cdf_upper_ = 1, lower_ = 0, upper_ = 0;
};

// The standard normal quantile function (Acklam's rational approximation refined with one Halley
// step; relative error below 1e-15 on (0, 1)). Exposed for tests.
double normal_quantile(double p);

}  // namespace recis::embedding

#include "recis/embedding/core/initializer.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "recis/common/error.h"
#include "recis/embedding/core/id_hash.h"
#include "recis/embedding/core/philox.h"

namespace recis::embedding {
namespace {

double standard_normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

void require(bool ok, const std::string& message) {
  if (!ok) throw ConfigError("initializer: " + message);
}

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// Uniform in [0, 1) from 24 bits: every value is exact in fp32.
double unit_from_32(uint32_t bits) { return (bits >> 8) * 0x1p-24; }

// Uniform in (0, 1) from 53 bits, never 0 or 1, for quantile functions.
double open_unit_from_64(uint32_t high, uint32_t low) {
  const uint64_t bits = (uint64_t{high} << 32) | low;
  return (static_cast<double>(bits >> 11) + 0.5) * 0x1p-53;
}

}  // namespace

InitKind parse_init_kind(std::string_view name) {
  if (name == "constant") return InitKind::Constant;
  if (name == "uniform") return InitKind::Uniform;
  if (name == "normal") return InitKind::Normal;
  if (name == "truncated_normal") return InitKind::TruncatedNormal;
  if (name == "xavier_uniform") return InitKind::XavierUniform;
  if (name == "xavier_normal") return InitKind::XavierNormal;
  if (name == "kaiming_uniform") return InitKind::KaimingUniform;
  if (name == "kaiming_normal") return InitKind::KaimingNormal;
  throw ConfigError("initializer '" + std::string(name) +
                    "' is not one of constant, uniform, normal, truncated_normal, xavier_uniform, "
                    "xavier_normal, kaiming_uniform, kaiming_normal");
}

double normal_quantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  double x;
  if (p < kLow || p > 1 - kLow) {
    const double q = std::sqrt(-2 * std::log(p < kLow ? p : 1 - p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    if (p > 1 - kLow) x = -x;
  } else {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  // One Halley step on CDF(x) = p.
  const double error = standard_normal_cdf(x) - p;
  const double u = error * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

Initializer::Initializer(const InitializerSpec& spec, std::size_t dim) {
  const double fan_in = spec.fan_in > 0 ? spec.fan_in : static_cast<double>(dim);
  const double fan_out = spec.fan_out > 0 ? spec.fan_out : static_cast<double>(dim);
  require(fan_in > 0 && fan_out > 0, "fan_in and fan_out must be positive");
  require(spec.gain > 0, "gain " + number(spec.gain) + " must be positive");
  const double kaiming_fan = spec.kaiming_fan_out ? fan_out : fan_in;
  switch (spec.kind) {
    case InitKind::Constant:
      distribution_ = Distribution::Constant;
      a_ = spec.value;
      break;
    case InitKind::Uniform:
      require(spec.low < spec.high, "uniform needs low < high, got [" + number(spec.low) + ", " +
                                        number(spec.high) + ")");
      distribution_ = Distribution::Uniform;
      a_ = spec.low;
      b_ = spec.high;
      break;
    case InitKind::Normal:
    case InitKind::TruncatedNormal:
      require(spec.stddev > 0, "stddev " + number(spec.stddev) + " must be positive");
      distribution_ =
          spec.kind == InitKind::Normal ? Distribution::Normal : Distribution::TruncatedNormal;
      a_ = spec.mean;
      b_ = spec.stddev;
      break;
    case InitKind::XavierUniform:
    case InitKind::KaimingUniform: {
      const double bound = spec.kind == InitKind::XavierUniform
                               ? spec.gain * std::sqrt(6.0 / (fan_in + fan_out))
                               : spec.gain * std::sqrt(3.0 / kaiming_fan);
      distribution_ = Distribution::Uniform;
      a_ = -bound;
      b_ = bound;
      break;
    }
    case InitKind::XavierNormal:
    case InitKind::KaimingNormal:
      distribution_ = Distribution::Normal;
      a_ = 0.0;
      b_ = spec.kind == InitKind::XavierNormal ? spec.gain * std::sqrt(2.0 / (fan_in + fan_out))
                                               : spec.gain / std::sqrt(kaiming_fan);
      break;
  }
  if (distribution_ == Distribution::TruncatedNormal) {
    require(spec.lower < spec.upper, "truncated_normal needs lower < upper, got [" +
                                         number(spec.lower) + ", " + number(spec.upper) + "]");
    lower_ = spec.lower;
    upper_ = spec.upper;
    cdf_lower_ = standard_normal_cdf((lower_ - a_) / b_);
    cdf_upper_ = standard_normal_cdf((upper_ - a_) / b_);
    require(cdf_upper_ - cdf_lower_ > 1e-12, "truncated_normal bounds [" + number(lower_) + ", " +
                                                 number(upper_) + "] hold almost none of normal(" +
                                                 number(a_) + ", " + number(b_) + ")");
  }
}

void Initializer::fill(uint64_t seed, int64_t table_id, int64_t id, std::span<float> out) const {
  if (distribution_ == Distribution::Constant) {
    std::fill(out.begin(), out.end(), static_cast<float>(a_));
    return;
  }
  const uint64_t key = seed ^ hash_id(table_id);
  const auto raw_id = static_cast<uint64_t>(id);
  auto draw = [&](uint32_t block) {
    return philox4x32_10(
        {static_cast<uint32_t>(raw_id), static_cast<uint32_t>(raw_id >> 32), block, 0x1B17u},
        {static_cast<uint32_t>(key), static_cast<uint32_t>(key >> 32)});
  };

  if (distribution_ == Distribution::Uniform) {
    for (std::size_t i = 0; i < out.size(); i += 4) {
      const PhiloxCounter bits = draw(static_cast<uint32_t>(i / 4));
      for (std::size_t lane = 0; lane < 4 && i + lane < out.size(); ++lane) {
        out[i + lane] = static_cast<float>(a_ + (b_ - a_) * unit_from_32(bits[lane]));
      }
    }
    return;
  }

  for (std::size_t i = 0; i < out.size(); i += 2) {
    const PhiloxCounter bits = draw(static_cast<uint32_t>(i / 2));
    for (std::size_t lane = 0; lane < 2 && i + lane < out.size(); ++lane) {
      const double u = open_unit_from_64(bits[2 * lane], bits[2 * lane + 1]);
      if (distribution_ == Distribution::Normal) {
        out[i + lane] = static_cast<float>(a_ + b_ * normal_quantile(u));
      } else {
        const double x = normal_quantile(cdf_lower_ + u * (cdf_upper_ - cdf_lower_));
        out[i + lane] = static_cast<float>(std::clamp(a_ + b_ * x, lower_, upper_));
      }
    }
  }
}

std::string Initializer::describe() const {
  switch (distribution_) {
    case Distribution::Constant:
      return "constant(" + number(a_) + ")";
    case Distribution::Uniform:
      return "uniform(" + number(a_) + ", " + number(b_) + ")";
    case Distribution::Normal:
      return "normal(" + number(a_) + ", " + number(b_) + ")";
    case Distribution::TruncatedNormal:
      return "truncated_normal(" + number(a_) + ", " + number(b_) + ", [" + number(lower_) + ", " +
             number(upper_) + "])";
  }
  return "?";
}

}  // namespace recis::embedding

#include "recis/embedding/core/initializer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

#include "recis/common/error.h"
#include "recis/embedding/core/philox.h"

namespace recis::embedding {
namespace {

// Random123's tests/kat_vectors, the three philox4x32 10 lines.
TEST(Philox, MatchesKnownAnswerVectors) {
  EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (PhiloxCounter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(
      philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}),
      (PhiloxCounter{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(
      philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}),
      (PhiloxCounter{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(NormalQuantile, InvertsTheCdf) {
  for (double p : {1e-300, 1e-12, 1e-5, 0.01, 0.02425, 0.2, 0.5, 0.7, 0.97575, 0.999, 1 - 1e-12}) {
    const double x = normal_quantile(p);
    const double cdf = 0.5 * std::erfc(-x / std::sqrt(2.0));
    EXPECT_NEAR(cdf / p, 1.0, 1e-9) << "p=" << p;
  }
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_DOUBLE_EQ(normal_quantile(0.5), 0.0);
}

struct Moments {
  double mean = 0, stddev = 0, min = INFINITY, max = -INFINITY;
};

// 100k draws: 12500 ids x 8 elements.
Moments draw_moments(const Initializer& init, std::size_t dim = 8, std::size_t ids = 12500) {
  std::vector<float> row(dim);
  double sum = 0, sum_sq = 0;
  Moments m;
  for (std::size_t id = 0; id < ids; ++id) {
    init.fill(42, 3, static_cast<int64_t>(id * 2654435761u), row);
    for (float v : row) {
      sum += v;
      sum_sq += double(v) * v;
      m.min = std::min<double>(m.min, v);
      m.max = std::max<double>(m.max, v);
    }
  }
  const double n = double(dim * ids);
  m.mean = sum / n;
  m.stddev = std::sqrt(sum_sq / n - m.mean * m.mean);
  return m;
}

TEST(Initializer, ConstantFillsTheValue) {
  InitializerSpec spec;
  spec.kind = InitKind::Constant;
  spec.value = 0.25;
  const Initializer init(spec, 4);
  std::vector<float> row(4);
  init.fill(1, 2, 3, row);
  EXPECT_EQ(row, std::vector<float>(4, 0.25f));
}

TEST(Initializer, UniformMomentsAndRange) {
  InitializerSpec spec;
  spec.kind = InitKind::Uniform;
  spec.low = -0.5;
  spec.high = 1.5;
  const Moments m = draw_moments(Initializer(spec, 8));
  EXPECT_NEAR(m.mean, 0.5, 0.01);
  EXPECT_NEAR(m.stddev, 2.0 / std::sqrt(12.0), 0.01);
  EXPECT_GE(m.min, -0.5);
  EXPECT_LT(m.max, 1.5);
  EXPECT_LT(m.min, -0.49);
  EXPECT_GT(m.max, 1.49);
}

TEST(Initializer, NormalMoments) {
  InitializerSpec spec;
  spec.kind = InitKind::Normal;
  spec.mean = 1.0;
  spec.stddev = 0.1;
  const Moments m = draw_moments(Initializer(spec, 8));
  EXPECT_NEAR(m.mean, 1.0, 0.002);
  EXPECT_NEAR(m.stddev, 0.1, 0.002);
}

TEST(Initializer, TruncatedNormalStaysInBoundsWithTheTruncatedMoments) {
  InitializerSpec spec;
  spec.kind = InitKind::TruncatedNormal;
  spec.mean = 0.0;
  spec.stddev = 1.0;
  spec.lower = -1.0;
  spec.upper = 2.0;
  const Moments m = draw_moments(Initializer(spec, 8));
  EXPECT_GE(m.min, -1.0);
  EXPECT_LE(m.max, 2.0);
  // Truncated standard normal on [a, b]: mean = (phi(a) - phi(b)) / Z,
  // var = 1 + (a phi(a) - b phi(b)) / Z - mean^2, Z = Phi(b) - Phi(a).
  auto phi = [](double x) { return std::exp(-x * x / 2) / std::sqrt(2 * M_PI); };
  auto Phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  const double a = -1, b = 2, z = Phi(b) - Phi(a);
  const double mean = (phi(a) - phi(b)) / z;
  const double var = 1 + (a * phi(a) - b * phi(b)) / z - mean * mean;
  EXPECT_NEAR(m.mean, mean, 0.01);
  EXPECT_NEAR(m.stddev, std::sqrt(var), 0.01);
}

TEST(Initializer, XavierAndKaimingScales) {
  InitializerSpec spec;
  spec.fan_in = 16;
  spec.fan_out = 48;
  spec.kind = InitKind::XavierUniform;
  Initializer xavier_uniform(spec, 16);
  EXPECT_EQ(xavier_uniform.distribution(), Initializer::Distribution::Uniform);
  EXPECT_DOUBLE_EQ(xavier_uniform.param_b(), std::sqrt(6.0 / 64));
  EXPECT_NEAR(draw_moments(xavier_uniform).stddev, std::sqrt(6.0 / 64) / std::sqrt(3.0), 0.003);

  spec.kind = InitKind::XavierNormal;
  EXPECT_NEAR(draw_moments(Initializer(spec, 16)).stddev, std::sqrt(2.0 / 64), 0.003);

  spec.kind = InitKind::KaimingUniform;
  spec.gain = std::sqrt(2.0);
  Initializer kaiming_uniform(spec, 16);
  EXPECT_DOUBLE_EQ(kaiming_uniform.param_b(), std::sqrt(2.0) * std::sqrt(3.0 / 16));
  EXPECT_NEAR(draw_moments(kaiming_uniform).stddev, std::sqrt(2.0 / 16), 0.003);

  spec.kind = InitKind::KaimingNormal;
  spec.kaiming_fan_out = true;
  EXPECT_NEAR(draw_moments(Initializer(spec, 16)).stddev, std::sqrt(2.0 / 48), 0.003);
}

TEST(Initializer, FanDefaultsToTheDim) {
  InitializerSpec spec;
  spec.kind = InitKind::XavierUniform;
  EXPECT_DOUBLE_EQ(Initializer(spec, 24).param_b(), std::sqrt(6.0 / 48));
}

TEST(Initializer, ValuesArePureFunctionsOfSeedTableAndId) {
  InitializerSpec spec;
  spec.kind = InitKind::Normal;
  const Initializer init(spec, 7);
  std::vector<float> a(7), b(7), other(7);
  init.fill(9, 1, 123, a);
  init.fill(9, 1, 999, other);
  init.fill(9, 1, 123, b);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
  init.fill(10, 1, 123, other);
  EXPECT_NE(a, other) << "the seed must matter";
  init.fill(9, 2, 123, other);
  EXPECT_NE(a, other) << "the table id must matter";
  // Elements of one row differ from each other (distinct counters).
  EXPECT_NE(a[0], a[1]);

  // Drawing from another thread gives the same values.
  std::vector<float> threaded(7);
  std::thread([&] { init.fill(9, 1, 123, threaded); }).join();
  EXPECT_EQ(threaded, a);
}

TEST(Initializer, ParsesKindsAndRejectsBadSpecs) {
  EXPECT_EQ(parse_init_kind("truncated_normal"), InitKind::TruncatedNormal);
  EXPECT_EQ(parse_init_kind("kaiming_normal"), InitKind::KaimingNormal);
  EXPECT_THROW(parse_init_kind("gaussian"), ConfigError);
  InitializerSpec spec;
  spec.kind = InitKind::Uniform;
  spec.low = 1;
  spec.high = 1;
  EXPECT_THROW(Initializer(spec, 4), ConfigError);
  spec.kind = InitKind::Normal;
  spec.stddev = 0;
  EXPECT_THROW(Initializer(spec, 4), ConfigError);
  spec.kind = InitKind::TruncatedNormal;
  spec.stddev = 1;
  spec.lower = 50;
  spec.upper = 60;
  EXPECT_THROW(Initializer(spec, 4), ConfigError);
}

}  // namespace
}  // namespace recis::embedding

// ZipfSampler against the exact Zipf probabilities, its bounds and its argument checks.
#include "recis/datagen/zipf_sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "recis/common/error.h"

namespace recis::datagen {
namespace {

// Observed frequencies of every rank lie within 5 standard errors of (k + 1)^-s / sum.
void expect_zipf_frequencies(std::uint64_t n, double exponent) {
  const ZipfSampler sampler(n, exponent);
  CounterRandom random(42);
  constexpr int kDraws = 400000;
  std::vector<int> counts(n, 0);
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t rank = sampler.sample(random);
    ASSERT_LT(rank, n);
    ++counts[rank];
  }
  double normalizer = 0;
  for (std::uint64_t k = 0; k < n; ++k)
    normalizer += std::pow(static_cast<double>(k + 1), -exponent);
  for (std::uint64_t k = 0; k < n; ++k) {
    const double p = std::pow(static_cast<double>(k + 1), -exponent) / normalizer;
    const double standard_error = std::sqrt(p * (1 - p) / kDraws);
    EXPECT_NEAR(counts[k] / static_cast<double>(kDraws), p, 5 * standard_error + 1e-6)
        << "n=" << n << " s=" << exponent << " rank " << k;
  }
}

TEST(ZipfSamplerTest, FrequenciesMatchTheZipfLaw) {
  expect_zipf_frequencies(10, 1.05);
  expect_zipf_frequencies(50, 1.0);  // the exponent-1 special case of the integrals
  expect_zipf_frequencies(7, 0.5);
  expect_zipf_frequencies(20, 2.5);
}

TEST(ZipfSamplerTest, LargeVocabularyStaysInRangeWithAHeavyHead) {
  const ZipfSampler sampler(1'000'000, 1.05);
  CounterRandom random(7);
  int head = 0;
  std::uint64_t largest = 0;
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t rank = sampler.sample(random);
    ASSERT_LT(rank, 1'000'000u);
    head += rank < 100;
    largest = std::max(largest, rank);
  }
  // P(rank < 100) = H(100, 1.05) / H(1e6, 1.05) = 0.445; the tail is reached too.
  EXPECT_NEAR(head / 100000.0, 0.445, 0.01);
  EXPECT_GT(largest, 100000u);
}

TEST(ZipfSamplerTest, SingleRankAndBadArguments) {
  const ZipfSampler single(1, 1.2);
  CounterRandom random(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(single.sample(random), 0u);
  EXPECT_THROW(ZipfSampler(0, 1.0), ConfigError);
  EXPECT_THROW(ZipfSampler(10, 0.0), ConfigError);
  EXPECT_THROW(ZipfSampler(10, std::nan("")), ConfigError);
}

}  // namespace
}  // namespace recis::datagen

#include "recis/embedding/core/half_float.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace recis::embedding {
namespace {

TEST(HalfFloat, EveryFp16ValueRoundTripsExactly) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const auto half = static_cast<uint16_t>(bits);
    const float value = fp16_to_float(half);
    if (std::isnan(value)) {
      EXPECT_TRUE(std::isnan(fp16_to_float(float_to_fp16(value)))) << bits;
      continue;
    }
    ASSERT_EQ(float_to_fp16(value), half) << "fp16 bits " << bits;
  }
}

TEST(HalfFloat, EveryBf16ValueRoundTripsExactly) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    const auto half = static_cast<uint16_t>(bits);
    const float value = bf16_to_float(half);
    if (std::isnan(value)) {
      EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(value)))) << bits;
      continue;
    }
    ASSERT_EQ(float_to_bf16(value), half) << "bf16 bits " << bits;
  }
}

TEST(HalfFloat, Fp16KnownValues) {
  EXPECT_EQ(float_to_fp16(1.0f), 0x3C00);
  EXPECT_EQ(float_to_fp16(-2.0f), 0xC000);
  EXPECT_EQ(float_to_fp16(65504.0f), 0x7BFF);
  EXPECT_EQ(float_to_fp16(0x1p-24f), 0x0001);  // smallest subnormal
  EXPECT_EQ(float_to_fp16(0x1p-14f), 0x0400);  // smallest normal
  EXPECT_EQ(float_to_fp16(-0.0f), 0x8000);
  EXPECT_EQ(float_to_fp16(std::numeric_limits<float>::infinity()), 0x7C00);
  EXPECT_EQ(float_to_fp16(1e6f), 0x7C00);
  EXPECT_EQ(float_to_fp16(-1e6f), 0xFC00);
  EXPECT_EQ(fp16_to_float(0x3555), 0.333251953125f);
}

// Midpoints between neighbours go to the even one; anything past the midpoint goes up.
TEST(HalfFloat, Fp16RoundsToNearestEven) {
  // Between 1 (0x3C00, even) and 1 + 2^-10 (0x3C01, odd).
  EXPECT_EQ(float_to_fp16(1.0f + 0x1p-11f), 0x3C00);
  EXPECT_EQ(float_to_fp16(1.0f + 0x1p-11f + 0x1p-20f), 0x3C01);
  EXPECT_EQ(float_to_fp16(1.0f + 0x1p-11f - 0x1p-20f), 0x3C00);
  // Between 0x3C01 (odd) and 0x3C02 (even): the tie goes up.
  EXPECT_EQ(float_to_fp16(1.0f + 3 * 0x1p-11f), 0x3C02);
  // The tie between 65504 and "65536" overflows to infinity; just below stays finite.
  EXPECT_EQ(float_to_fp16(65520.0f), 0x7C00);
  EXPECT_EQ(float_to_fp16(65519.99f), 0x7BFF);
  // Subnormals: 1.5 * 2^-24 ties to 2 * 2^-24 (even), 2.5 * 2^-24 ties to 2 * 2^-24.
  EXPECT_EQ(float_to_fp16(1.5f * 0x1p-24f), 0x0002);
  EXPECT_EQ(float_to_fp16(2.5f * 0x1p-24f), 0x0002);
  EXPECT_EQ(float_to_fp16(0x1p-25f), 0x0000);  // half the smallest subnormal ties to zero
  EXPECT_EQ(float_to_fp16(0x1p-25f * 1.0001f), 0x0001);
  // Carry from the largest subnormal into the smallest normal.
  EXPECT_EQ(float_to_fp16(0x1p-14f - 0x1p-26f), 0x0400);
}

TEST(HalfFloat, Bf16RoundsToNearestEven) {
  // 1 = 0x3F80 (even); the next bf16 is 1 + 2^-7.
  EXPECT_EQ(float_to_bf16(1.0f + 0x1p-8f), 0x3F80);
  EXPECT_EQ(float_to_bf16(1.0f + 0x1p-8f + 0x1p-20f), 0x3F81);
  EXPECT_EQ(float_to_bf16(1.0f + 3 * 0x1p-8f), 0x3F82);
  EXPECT_EQ(float_to_bf16(-1.0f), 0xBF80);
  EXPECT_EQ(float_to_bf16(std::numeric_limits<float>::max()), 0x7F80);  // rounds up to inf
  EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(std::numeric_limits<float>::quiet_NaN()))));
}

// Against a reference: the nearest fp16 by exhaustive search over the two neighbours.
TEST(HalfFloat, Fp16MatchesNearestNeighbourReference) {
  uint32_t state = 12345;
  for (int i = 0; i < 200000; ++i) {
    state = state * 1664525u + 1013904223u;
    const float value =
        std::ldexp(static_cast<float>(state >> 8) / float(1 << 24), int(state % 40) - 28);
    const uint16_t got = float_to_fp16(value);
    const float rounded = fp16_to_float(got);
    const float up = fp16_to_float(static_cast<uint16_t>(got + 1));
    const float down = got == 0 ? 0.0f : fp16_to_float(static_cast<uint16_t>(got - 1));
    if (std::isinf(rounded)) continue;
    EXPECT_LE(std::fabs(rounded - value), std::fabs(up - value)) << value;
    EXPECT_LE(std::fabs(rounded - value), std::fabs(down - value)) << value;
  }
}

TEST(HalfFloat, SpanConversions) {
  const std::vector<float> values = {0.5f, -3.25f, 1024.0f};
  std::vector<uint16_t> halves(3);
  std::vector<float> back(3);
  floats_to_fp16(values, halves);
  fp16_to_floats(halves, back);
  EXPECT_EQ(back, values);
  floats_to_bf16(values, halves);
  bf16_to_floats(halves, back);
  EXPECT_EQ(back, values);
}

}  // namespace
}  // namespace recis::embedding

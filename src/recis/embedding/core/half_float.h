// Conversions between fp32 and the 16-bit storage formats of embedding rows: bfloat16 (8-bit
// exponent, 7-bit mantissa) and IEEE binary16 "fp16" (5-bit exponent, 10-bit mantissa). fp32 ->
// 16-bit rounds to nearest, ties to even; values beyond fp16's range become infinity; NaN stays
// NaN (quiet). 16-bit -> fp32 is exact. Pure functions, thread-safe.
#pragma once

#include <bit>
#include <cstdint>
#include <span>

namespace recis::embedding {

inline uint16_t float_to_bf16(float value) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((bits >> 16) | 0x0040u);
  const uint32_t rounding = 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

inline float bf16_to_float(uint16_t value) {
  return std::bit_cast<float>(static_cast<uint32_t>(value) << 16);
}

uint16_t float_to_fp16(float value);
float fp16_to_float(uint16_t value);

// Element-wise over spans of equal length.
void floats_to_bf16(std::span<const float> in, std::span<uint16_t> out);
void bf16_to_floats(std::span<const uint16_t> in, std::span<float> out);
void floats_to_fp16(std::span<const float> in, std::span<uint16_t> out);
void fp16_to_floats(std::span<const uint16_t> in, std::span<float> out);

}  // namespace recis::embedding

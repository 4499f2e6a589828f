#include "recis/embedding/core/half_float.h"

#include <cstddef>

namespace recis::embedding {

uint16_t float_to_fp16(float value) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude > 0x7F800000u) return sign | 0x7E00u;   // NaN
  if (magnitude >= 0x477FF000u) return sign | 0x7C00u;  // rounds past 65504, or infinity

  const int exponent = static_cast<int>(magnitude >> 23) - 127;
  if (exponent >= -14) {
    // Normal fp16: keep 10 of the 23 mantissa bits, rounding the 13 dropped bits to nearest even.
    const uint32_t rebased = magnitude - (uint32_t{127 - 15} << 23);
    const uint32_t rounding = 0xFFFu + ((rebased >> 13) & 1u);
    return sign | static_cast<uint16_t>((rebased + rounding) >> 13);
  }
  if (exponent < -25) return sign;  // below half the smallest subnormal: rounds to zero
  // Subnormal fp16: the value in units of 2^-24, with the implicit bit made explicit.
  const uint32_t mantissa = (magnitude & 0x7FFFFFu) | 0x800000u;
  const int shift = -exponent - 1;  // 14..24 bits dropped from the 24-bit significand
  const uint32_t kept = mantissa >> shift;
  const uint32_t dropped = mantissa & ((1u << shift) - 1);
  const uint32_t half = 1u << (shift - 1);
  const bool round_up = dropped > half || (dropped == half && (kept & 1u));
  return sign | static_cast<uint16_t>(kept + round_up);
}

float fp16_to_float(uint16_t value) {
  const uint32_t sign = static_cast<uint32_t>(value & 0x8000u) << 16;
  const uint32_t exponent = (value >> 10) & 0x1Fu;
  const uint32_t mantissa = value & 0x3FFu;
  if (exponent == 0x1F) return std::bit_cast<float>(sign | 0x7F800000u | (mantissa << 13));
  if (exponent != 0) {
    return std::bit_cast<float>(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
  }
  // Zero or subnormal: mantissa * 2^-24, exact in fp32.
  const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
  return sign ? -magnitude : magnitude;
}

void floats_to_bf16(std::span<const float> in, std::span<uint16_t> out) {
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = float_to_bf16(in[i]);
}

void bf16_to_floats(std::span<const uint16_t> in, std::span<float> out) {
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = bf16_to_float(in[i]);
}

void floats_to_fp16(std::span<const float> in, std::span<uint16_t> out) {
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = float_to_fp16(in[i]);
}

void fp16_to_floats(std::span<const uint16_t> in, std::span<float> out) {
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = fp16_to_float(in[i]);
}

}  // namespace recis::embedding

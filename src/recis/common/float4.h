// Float4: four fp32 lanes for the row kernels: the sparse optimizers' updates and the embedding
// pooling (SSE2 on x86-64, NEON on AArch64, a plain array elsewhere), so they are vectorized
// whatever the optimization flags: GCC at -O2 does not vectorize loops of unknown length, and no
// compiler vectorizes std::sqrt while it may set errno. for_each_lane runs a kernel's formula, written once as a template over float and Float4,
// four elements at a time and then one at a time for the tail. Every lane operation is the IEEE
// single-precision operation the scalar code does, so both paths round identically.
// Used by src/recis/optim and src/recis/embedding. Pure functions, thread-safe.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace recis {

#if defined(__SSE2__)
struct Float4 {
  __m128 v;
};
inline Float4 load4(const float* p) { return {_mm_loadu_ps(p)}; }
inline void store4(float* p, Float4 x) { _mm_storeu_ps(p, x.v); }
inline Float4 splat4(float x) { return {_mm_set1_ps(x)}; }
inline Float4 operator+(Float4 a, Float4 b) { return {_mm_add_ps(a.v, b.v)}; }
inline Float4 operator-(Float4 a, Float4 b) { return {_mm_sub_ps(a.v, b.v)}; }
inline Float4 operator*(Float4 a, Float4 b) { return {_mm_mul_ps(a.v, b.v)}; }
inline Float4 operator/(Float4 a, Float4 b) { return {_mm_div_ps(a.v, b.v)}; }
inline Float4 sqrt(Float4 a) { return {_mm_sqrt_ps(a.v)}; }
inline Float4 min(Float4 a, Float4 b) { return {_mm_min_ps(a.v, b.v)}; }
inline Float4 max(Float4 a, Float4 b) { return {_mm_max_ps(a.v, b.v)}; }
#elif defined(__ARM_NEON) && defined(__aarch64__)
struct Float4 {
  float32x4_t v;
};
inline Float4 load4(const float* p) { return {vld1q_f32(p)}; }
inline void store4(float* p, Float4 x) { vst1q_f32(p, x.v); }
inline Float4 splat4(float x) { return {vdupq_n_f32(x)}; }
inline Float4 operator+(Float4 a, Float4 b) { return {vaddq_f32(a.v, b.v)}; }
inline Float4 operator-(Float4 a, Float4 b) { return {vsubq_f32(a.v, b.v)}; }
inline Float4 operator*(Float4 a, Float4 b) { return {vmulq_f32(a.v, b.v)}; }
inline Float4 operator/(Float4 a, Float4 b) { return {vdivq_f32(a.v, b.v)}; }
inline Float4 sqrt(Float4 a) { return {vsqrtq_f32(a.v)}; }
inline Float4 min(Float4 a, Float4 b) { return {vminq_f32(a.v, b.v)}; }
inline Float4 max(Float4 a, Float4 b) { return {vmaxq_f32(a.v, b.v)}; }
#else
struct Float4 {
  float v[4];
};
template <typename Op>
Float4 lanewise(Float4 a, Float4 b, Op op) {
  return {{op(a.v[0], b.v[0]), op(a.v[1], b.v[1]), op(a.v[2], b.v[2]), op(a.v[3], b.v[3])}};
}
inline Float4 load4(const float* p) { return {{p[0], p[1], p[2], p[3]}}; }
inline void store4(float* p, Float4 x) { std::copy(x.v, x.v + 4, p); }
inline Float4 splat4(float x) { return {{x, x, x, x}}; }
inline Float4 operator+(Float4 a, Float4 b) {
  return lanewise(a, b, [](float x, float y) { return x + y; });
}
inline Float4 operator-(Float4 a, Float4 b) {
  return lanewise(a, b, [](float x, float y) { return x - y; });
}
inline Float4 operator*(Float4 a, Float4 b) {
  return lanewise(a, b, [](float x, float y) { return x * y; });
}
inline Float4 operator/(Float4 a, Float4 b) {
  return lanewise(a, b, [](float x, float y) { return x / y; });
}
inline Float4 sqrt(Float4 a) {
  return {{std::sqrt(a.v[0]), std::sqrt(a.v[1]), std::sqrt(a.v[2]), std::sqrt(a.v[3])}};
}
inline Float4 min(Float4 a, Float4 b) {
  return lanewise(a, b, [](float x, float y) { return std::min(x, y); });
}
inline Float4 max(Float4 a, Float4 b) {
  return lanewise(a, b, [](float x, float y) { return std::max(x, y); });
}
#endif

// Loads, stores and constants for either lane type.
template <typename T>
T load(const float* p) {
  if constexpr (std::is_same_v<T, Float4>)
    return load4(p);
  else
    return *p;
}
inline void store(float* p, Float4 x) { store4(p, x); }
inline void store(float* p, float x) { *p = x; }
template <typename T>
T splat(float x) {
  if constexpr (std::is_same_v<T, Float4>)
    return splat4(x);
  else
    return x;
}
inline float sqrt(float x) { return std::sqrt(x); }
inline float min(float a, float b) { return std::min(a, b); }
inline float max(float a, float b) { return std::max(a, b); }

// Calls body.template operator()<Float4>(d) for d = 0, 4, ... while d + 4 <= dim, then
// body.template operator()<float>(d) for each remaining d.
template <typename Body>
inline void for_each_lane(std::size_t dim, const Body& body) {
  std::size_t d = 0;
  for (; d + 4 <= dim; d += 4) body.template operator()<Float4>(d);
  for (; d < dim; ++d) body.template operator()<float>(d);
}

}  // namespace recis

// cpuinfo_has_native_bf16 on /proc/cpuinfo texts: AVX-512 BF16 or AMX-BF16 in the flags line
// count, a flag that merely contains the name does not, and text without a flags line is false.
#include <gtest/gtest.h>

#include "recis/common/cpu_features.h"

namespace recis {
namespace {

TEST(CpuFeatures, NativeBf16IsAvx512Bf16OrAmxBf16InTheFlagsLine) {
  EXPECT_TRUE(cpuinfo_has_native_bf16("processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_bf16\n"));
  EXPECT_TRUE(cpuinfo_has_native_bf16("flags\t: sse4_2 amx_bf16 amx_tile\n"));
  EXPECT_FALSE(cpuinfo_has_native_bf16("model name\t: AMD EPYC\nflags\t\t: fpu avx2 fma\n"));
  EXPECT_FALSE(cpuinfo_has_native_bf16("flags\t: avx512_bf16x\n"));
  EXPECT_FALSE(cpuinfo_has_native_bf16("model name\t: avx512_bf16\n"));
  EXPECT_FALSE(cpuinfo_has_native_bf16(""));
}

}  // namespace
}  // namespace recis

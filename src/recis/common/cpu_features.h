// Whether this CPU runs bfloat16 math natively (AVX-512 BF16 or AMX-BF16), from the "flags" line
// of /proc/cpuinfo. Without it oneDNN emulates bf16 and `--bf16` training is many times slower
// than fp32; the trainer warns. Thread-safety: pure function; the process-wide answer is computed
// once.
#pragma once

#include <string_view>

namespace recis {

// `cpuinfo`: the text of /proc/cpuinfo (or of a fixture).
bool cpuinfo_has_native_bf16(std::string_view cpuinfo);

// cpuinfo_has_native_bf16 of this machine's /proc/cpuinfo; false when it cannot be read.
bool cpu_has_native_bf16();

}  // namespace recis

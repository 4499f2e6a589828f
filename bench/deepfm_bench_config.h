// The DeepFM experiment the training benches run (`recis bench train`, `recis bench dist`) on
// `recis gen-data` data in DIR/train and DIR/eval, as TOML text: 26 sparse columns with 16-dim
// deep and 1-dim wide embeddings, 13 log1p'ed dense columns, hidden [256, 128], Adam for both
// (kSparseLr, kDenseLr), output in DIR/out, no checkpoint. Thread-safety: pure.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace recis::bench {

inline constexpr int kDeepFmSparse = 26;
inline constexpr int kDeepFmDense = 13;
inline constexpr int64_t kDeepFmDim = 16;
inline const std::vector<int64_t> kDeepFmHidden{256, 128};
inline constexpr double kDeepFmSparseLr = 0.01;
inline constexpr double kDeepFmDenseLr = 0.003;

std::string deepfm_bench_config(const std::filesystem::path& dir, int64_t batch_size, bool bf16);

}  // namespace recis::bench

// The DeepFM experiment the training benches run (`recis bench train`, `recis bench dist`) on
// `recis gen-data` data in DIR/train and DIR/eval, as TOML text: 26 sparse columns with 16-dim
// deep and 1-dim wide embeddings, 13 log1p'ed dense columns, hidden [256, 128], Adam for both
// (kSparseLr, kDenseLr), output in DIR/out, no checkpoint; and the data it reads.
// Thread-safety: pure functions (the data generator uses its own threads).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "recis/datagen/criteo_generator.h"

namespace recis::bench {

inline constexpr int kDeepFmSparse = 26;
inline constexpr int kDeepFmDense = 13;
inline constexpr int64_t kDeepFmDim = 16;
inline const std::vector<int64_t> kDeepFmHidden{256, 128};
inline constexpr double kDeepFmSparseLr = 0.01;
inline constexpr double kDeepFmDenseLr = 0.003;

std::string deepfm_bench_config(const std::filesystem::path& dir, int64_t batch_size, bool bf16);

// The data that config reads: `rows` gen-data training rows in `parts` files under DIR/train and
// the next `eval_rows` (held out, same hidden model) under DIR/eval. Returns the training split's
// summary (its Bayes-optimal AUC).
datagen::GenerationSummary generate_deepfm_bench_data(const std::filesystem::path& dir,
                                                      std::size_t rows, std::size_t eval_rows,
                                                      std::size_t parts = 1);

}  // namespace recis::bench

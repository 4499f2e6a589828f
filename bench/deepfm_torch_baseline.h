// The plain PyTorch DeepFM baseline of the training benches (`recis bench train`, `recis bench
// python-train`): exports DIR/train and DIR/eval (gen-data ORC) as flat arrays and runs
// bench/baselines/deepfm_torch.py on them with Debian's python3-torch — nn.EmbeddingBag(sparse)
// over `buckets` hashed rows per column, SparseAdam + Adam at the DeepFM bench rates, the
// configured thread count. Returns the script's JSON (samples_per_s, auc, logloss, steps).
// Thread-safety: runs a child process; call from one thread.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>

namespace recis::bench {

nlohmann::json run_deepfm_torch_baseline(const std::filesystem::path& dir, int64_t batch_size,
                                         int64_t buckets, const char* bench_name);

}  // namespace recis::bench

// The input of the embedding benches (`recis bench embedding`, `recis bench python-embedding`):
// their flags (--features N --batch-size N --vocab N --dim N --repeats N) and N single-id
// features c1..cN whose ids are Zipf-distributed ranks over each feature's vocabulary
// (P(rank) ~ 1/(rank+1)^1.05, as click logs), scattered as hashed ids are (rank r of feature f is
// id r * 1000003 + f * 7919). Deterministic (seed 1). Also the whole sparse step both benches
// time from C++ (EngineAdamStep) and the file their Python sides read the ids from.
// Thread-safety: pure functions; an EngineAdamStep is driven by one thread.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "recis/embedding/embedding_options.h"
#include "recis/embedding/engine.h"
#include "recis/optim/adam.h"
#include "recis/ragged/batch.h"

namespace recis::bench {

struct EmbeddingBenchOptions {
  std::size_t features = 26;
  int64_t batch_size = 4096;
  int64_t vocab = 100'000;
  std::size_t dim = 16;
  int repeats = 20;
};

EmbeddingBenchOptions parse_embedding_bench_options(const std::string& bench,
                                                    const std::vector<std::string>& args);

struct EmbeddingBenchInput {
  std::vector<embedding::EmbeddingOptions> features;  // c1..cN, dim each
  ragged::Batch batch;                                // one id per row and feature
  std::vector<torch::Tensor> ranks;                   // per feature: each row's id's rank
  torch::Tensor offsets;                              // 0..batch_size
};

EmbeddingBenchInput make_embedding_bench_input(const EmbeddingBenchOptions& options);

// One training step's sparse work on the input, as the trainer drives it: lookup + sum pooling,
// backward to per-id gradient rows, Adam (lr 0.001) on the rows. The first call creates the rows.
class EngineAdamStep {
 public:
  explicit EngineAdamStep(const EmbeddingBenchInput& input);
  void operator()();

 private:
  const EmbeddingBenchInput& input_;
  optim::Adam adam_;
  embedding::Engine engine_;
  int64_t step_ = 0;
};

// Writes one [batch_size] int64 tensor per feature, feature after feature (little-endian), for
// the benches' Python scripts. Throws IoError naming the file.
void write_feature_major(const std::filesystem::path& path,
                         const std::vector<torch::Tensor>& per_feature);

// "N features x batch B, dim D, vocab V (Zipf), T threads"
void print_embedding_bench_header(const EmbeddingBenchOptions& options);

}  // namespace recis::bench

#include "embedding_bench_input.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

#include "bench_flags.h"
#include "recis/common/error.h"
#include "recis/common/threads.h"

namespace recis::bench {
namespace {

// Ranks 0..vocab-1 by inversion on a precomputed CDF.
std::vector<int64_t> zipf_ranks(std::mt19937_64& rng, int64_t vocab, int64_t count) {
  std::vector<double> cdf(static_cast<std::size_t>(vocab));
  double total = 0;
  for (int64_t r = 0; r < vocab; ++r) cdf[r] = total += std::pow(double(r + 1), -1.05);
  std::uniform_real_distribution<double> u(0, total);
  std::vector<int64_t> ranks(static_cast<std::size_t>(count));
  for (auto& rank : ranks) {
    rank = std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin();
  }
  return ranks;
}

}  // namespace

EmbeddingBenchOptions parse_embedding_bench_options(const std::string& bench,
                                                    const std::vector<std::string>& args) {
  EmbeddingBenchOptions options;
  parse_bench_flags(bench, args,
                    {positive_integer_flag("--features", &options.features),
                     positive_integer_flag("--batch-size", &options.batch_size),
                     positive_integer_flag("--vocab", &options.vocab),
                     positive_integer_flag("--dim", &options.dim),
                     positive_integer_flag("--repeats", &options.repeats)});
  return options;
}

EmbeddingBenchInput make_embedding_bench_input(const EmbeddingBenchOptions& options) {
  std::mt19937_64 rng(1);
  EmbeddingBenchInput input;
  input.offsets = torch::arange(0, options.batch_size + 1, torch::kInt64);
  for (std::size_t f = 0; f < options.features; ++f) {
    const std::string name = "c" + std::to_string(f + 1);
    input.features.emplace_back(name, options.dim);
    const torch::Tensor ranks =
        torch::tensor(zipf_ranks(rng, options.vocab, options.batch_size), torch::kInt64);
    input.ranks.push_back(ranks);
    input.batch.set(name, ragged::RaggedTensor(ranks * 1000003 + static_cast<int64_t>(f) * 7919,
                                               {input.offsets}));
  }
  return input;
}

namespace {

optim::SparseOptimizerOptions adam_options() {
  optim::SparseOptimizerOptions options;
  options.lr = 0.001;
  return options;
}

embedding::EngineOptions adam_engine_options(optim::Adam& adam) {
  embedding::EngineOptions options;
  options.seed = 1;
  options.slots = [&adam](const std::string&, std::size_t dim) { return adam.slots(dim); };
  return options;
}

}  // namespace

EngineAdamStep::EngineAdamStep(const EmbeddingBenchInput& input)
    : input_(input),
      adam_(adam_options()),
      engine_(input.features, adam_engine_options(adam_)) {}

void EngineAdamStep::operator()() {
  const embedding::EmbeddingOutputs out =
      engine_.forward(input_.batch, ++step_, embedding::LookupMode::Train);
  torch::Tensor loss = torch::zeros({});
  for (const auto& [name, tensor] : out.embeddings) loss = loss + tensor.sum();
  loss.backward();
  engine_.accumulate_gradients();
  adam_.step(engine_.take_gradients());
}

void write_feature_major(const std::filesystem::path& path,
                         const std::vector<torch::Tensor>& per_feature) {
  std::ofstream out(path, std::ios::binary);
  for (const torch::Tensor& tensor : per_feature) {
    const torch::Tensor values = tensor.to(torch::kInt64).contiguous();
    out.write(reinterpret_cast<const char*>(values.data_ptr<int64_t>()),
              static_cast<std::streamsize>(values.numel() * sizeof(int64_t)));
  }
  if (!out) throw IoError("bench: cannot write " + path.string());
}

void print_embedding_bench_header(const EmbeddingBenchOptions& options) {
  std::printf("%zu features x batch %lld, dim %zu, vocab %lld (Zipf), %zu threads\n",
              options.features, static_cast<long long>(options.batch_size), options.dim,
              static_cast<long long>(options.vocab), configured_threads());
}

}  // namespace recis::bench

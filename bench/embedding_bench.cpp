// `recis bench embedding [--features N] [--batch-size N] [--vocab N] [--dim N] [--repeats N]`:
// one training step's embedding work — lookup + combine (sum) + backward down to per-id gradient
// rows — for N single-id features, ours (embedding::Engine: one merged table, dedup, batched
// lookup, one gather) vs libtorch's torch::embedding_bag per feature on dense tables that hold the
// same rows (sparse=true, as nn.EmbeddingBag(sparse=True) users run it). Ids are Zipf-like over
// each feature's vocabulary; both sides see the same ids. Reports batches/s; ratio = ours/baseline.
#include <cstdio>
#include <string>
#include <vector>

#include "bench_registry.h"
#include "embedding_bench_input.h"
#include "recis/common/threads.h"
#include "recis/embedding/engine.h"

namespace recis::bench {
namespace {

int run_embedding_bench(const std::vector<std::string>& args) {
  const EmbeddingBenchOptions options = parse_embedding_bench_options("embedding", args);
  const int64_t batch = options.batch_size;
  const auto dim = static_cast<int64_t>(options.dim);
  const EmbeddingBenchInput input = make_embedding_bench_input(options);
  const std::vector<torch::Tensor>& ranks = input.ranks;
  const torch::Tensor& offsets = input.offsets;

  embedding::EngineOptions engine_options;
  engine_options.seed = 1;
  embedding::Engine engine(input.features, engine_options);
  auto ours_step = [&] {
    const embedding::EmbeddingOutputs out =
        engine.forward(input.batch, 1, embedding::LookupMode::Train);
    torch::Tensor loss = torch::zeros({});
    for (const auto& [name, tensor] : out.embeddings) loss = loss + tensor.sum();
    loss.backward();
    engine.accumulate_gradients();
    return engine.take_gradients().size();
  };
  ours_step();  // creates the rows, as a warm table has them

  std::vector<torch::Tensor> tables;
  for (std::size_t f = 0; f < options.features; ++f) {
    tables.push_back(torch::rand({options.vocab, dim}).requires_grad_(true));
  }
  auto baseline_step = [&] {
    torch::Tensor loss = torch::zeros({});
    for (std::size_t f = 0; f < options.features; ++f) {
      loss = loss + std::get<0>(torch::embedding_bag(tables[f], ranks[f], offsets, false, 0,
                                                     /*sparse=*/true, {}, true))
                        .sum();
    }
    loss.backward();
    for (auto& table : tables) table.mutable_grad() = torch::Tensor();
  };
  baseline_step();

  const double ours_seconds = best_seconds(options.repeats, [&] { ours_step(); });
  const double baseline_seconds = best_seconds(options.repeats, [&] { baseline_step(); });
  const auto stats = engine.table(0).core().stats();
  print_embedding_bench_header(options);
  std::printf("%-44s %8.3f ms/step\n", "recis embedding::Engine (merged, dedup)",
              ours_seconds * 1e3);
  std::printf("%-44s %8.3f ms/step\n", "torch::embedding_bag per feature (sparse)",
              baseline_seconds * 1e3);
  std::printf("table: %zu rows, %.1f overhead bytes/row beyond embedding and slots\n", stats.rows,
              stats.overhead_bytes_per_row);
  print_bench_result("embedding", 1.0 / ours_seconds, 1.0 / baseline_seconds, "steps/s",
                     {{"features", options.features},
                      {"batch_size", batch},
                      {"dim", options.dim},
                      {"vocab", options.vocab},
                      {"threads", configured_threads()},
                      {"rows", stats.rows},
                      {"overhead_bytes_per_row", stats.overhead_bytes_per_row},
                      {"baseline_source", "torch::embedding_bag(sparse=true) per feature, this run"}});
  return 0;
}

RECIS_REGISTER_BENCH("embedding",
                     "lookup+combine+backward, 26 features x 4096: engine vs torch::embedding_bag",
                     run_embedding_bench);

}  // namespace
}  // namespace recis::bench

// `recis bench embedding [--features N] [--batch-size N] [--vocab N] [--dim N] [--repeats N]`:
// one training step's embedding work — lookup + combine (sum) + backward down to per-id gradient
// rows — for N single-id features, ours (embedding::Engine: one merged table, dedup, batched
// lookup, one gather) vs libtorch's torch::embedding_bag per feature on dense tables that hold the
// same rows (sparse=true, as nn.EmbeddingBag(sparse=True) users run it). Ids are Zipf-like over
// each feature's vocabulary; both sides see the same ids. Reports batches/s; ratio = ours/baseline.
// Then the whole sparse step with the optimizer — ours (lookup + pooling + backward + Adam on the
// rows, as the trainer runs it) vs nn.EmbeddingBag(sparse=True) per feature +
// torch.optim.SparseAdam (bench/python/embedding_bag_sparse_adam.py on python3-torch, same
// ranks) — in "with_optimizer" of the closing JSON line.
#include <cstdio>
#include <string>
#include <vector>

#include "bench_registry.h"
#include "embedding_bench_input.h"
#include "recis/common/threads.h"
#include "recis/embedding/engine.h"
#include "scratch_dir.h"

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

  EngineAdamStep ours_with_adam(input);
  ours_with_adam();  // creates the rows
  const double ours_adam_seconds = best_seconds(options.repeats, [&] { ours_with_adam(); });
  ScratchDir scratch("embedding");
  write_feature_major(scratch.path() / "ranks.bin", ranks);
  const std::string command =
      "/usr/bin/python3 " RECIS_BENCH_PYTHON_DIR "/embedding_bag_sparse_adam.py --ranks '" +
      (scratch.path() / "ranks.bin").string() + "' --features " +
      std::to_string(options.features) + " --batch-size " + std::to_string(batch) + " --vocab " +
      std::to_string(options.vocab) + " --dim " + std::to_string(options.dim) + " --repeats " +
      std::to_string(options.repeats) + " --threads " + std::to_string(configured_threads());
  const double torch_adam_seconds =
      run_for_json(command, "bench embedding: the PyTorch SparseAdam step (is python3-torch "
                            "installed?)")
          .at("seconds")
          .get<double>();
  const auto stats = engine.table(0).core().stats();
  print_embedding_bench_header(options);
  std::printf("%-44s %8.3f ms/step\n", "recis embedding::Engine (merged, dedup)",
              ours_seconds * 1e3);
  std::printf("%-44s %8.3f ms/step\n", "torch::embedding_bag per feature (sparse)",
              baseline_seconds * 1e3);
  std::printf("%-44s %8.3f ms/step\n", "recis engine + Adam on the rows", ours_adam_seconds * 1e3);
  std::printf("%-44s %8.3f ms/step\n", "nn.EmbeddingBag(sparse) + torch SparseAdam",
              torch_adam_seconds * 1e3);
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
                      {"with_optimizer",
                       {{"ours_ms", ours_adam_seconds * 1e3},
                        {"torch_sparse_adam_ms", torch_adam_seconds * 1e3},
                        {"ratio", torch_adam_seconds / ours_adam_seconds},
                        {"baseline_source",
                         "nn.EmbeddingBag(sparse=True) + torch.optim.SparseAdam, this run"}}},
                      {"baseline_source", "torch::embedding_bag(sparse=true) per feature, this run"}});
  return 0;
}

RECIS_REGISTER_BENCH("embedding",
                     "lookup+combine+backward, 26 features x 4096: engine vs torch::embedding_bag",
                     run_embedding_bench);

}  // namespace
}  // namespace recis::bench

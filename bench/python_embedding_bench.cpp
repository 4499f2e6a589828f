// `recis bench python-embedding [--features N] [--batch-size N] [--vocab N] [--dim N]
// [--repeats N]`: one training step's embedding work with the sparse optimizer — lookup, sum
// pooling, backward to per-id gradient rows, Adam on the rows — for N single-id features, driven
// from C++ (embedding::Engine + optim::Adam, as the trainer drives it) vs from Python
// (recis.nn.EmbeddingEngine + recis.optim.SparseAdam: bench/python/embedding_step.py, run by
// /usr/bin/python3 on the package built next to this binary). Both see the same ids (written to
// a file the script reads) and the same thread count. Reports ms/step; ratio = C++ time / Python
// time, the share of the C++ speed a Python user keeps.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench_flags.h"
#include "bench_registry.h"
#include "recis/common/error.h"
#include "recis/common/threads.h"
#include "recis/embedding/engine.h"
#include "recis/optim/adam.h"
#include "scratch_dir.h"
#include "zipf_ids.h"

namespace recis::bench {
namespace {

struct Options {
  std::size_t features = 26;
  int64_t batch_size = 4096;
  int64_t vocab = 100'000;
  std::size_t dim = 16;
  int repeats = 20;
};

// The package next to this binary: <build>/bin/recis-torch -> <build>/python.
std::filesystem::path package_dir() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / "python";
}

int run_python_embedding_bench(const std::vector<std::string>& args) {
  Options options;
  parse_bench_flags("python-embedding", args,
                    {positive_integer_flag("--features", &options.features),
                     positive_integer_flag("--batch-size", &options.batch_size),
                     positive_integer_flag("--vocab", &options.vocab),
                     positive_integer_flag("--dim", &options.dim),
                     positive_integer_flag("--repeats", &options.repeats)});
  const int64_t batch = options.batch_size;
  ScratchDir scratch("python-embedding");
  const std::filesystem::path ids_file = scratch.path() / "ids.bin";
  std::mt19937_64 rng(1);
  std::vector<embedding::EmbeddingOptions> features;
  ragged::Batch input;
  const torch::Tensor offsets = torch::arange(0, batch + 1, torch::kInt64);
  {
    std::ofstream out(ids_file, std::ios::binary);
    for (std::size_t f = 0; f < options.features; ++f) {
      const std::string name = "c" + std::to_string(f + 1);
      features.emplace_back(name, options.dim);
      const torch::Tensor ids =
          torch::tensor(zipf_ranks(rng, options.vocab, batch), torch::kInt64) * 1000003 +
          static_cast<int64_t>(f) * 7919;
      out.write(reinterpret_cast<const char*>(ids.data_ptr<int64_t>()),
                static_cast<std::streamsize>(batch * sizeof(int64_t)));
      input.set(name, ragged::RaggedTensor(ids, {offsets}));
    }
    if (!out) throw IoError("bench python-embedding: cannot write " + ids_file.string());
  }

  optim::Adam adam(optim::SparseOptimizerOptions{.lr = 0.001});
  embedding::EngineOptions engine_options;
  engine_options.seed = 1;
  engine_options.slots = [&](const std::string&, std::size_t dim) { return adam.slots(dim); };
  embedding::Engine engine(features, engine_options);
  int64_t step = 0;
  auto cpp_step = [&] {
    const embedding::EmbeddingOutputs out =
        engine.forward(input, ++step, embedding::LookupMode::Train);
    torch::Tensor loss = torch::zeros({});
    for (const auto& [name, tensor] : out.embeddings) loss = loss + tensor.sum();
    loss.backward();
    engine.accumulate_gradients();
    adam.step(engine.take_gradients());
  };
  cpp_step();  // creates the rows, as a warm table has them
  const double cpp_seconds = best_seconds(options.repeats, cpp_step);

  const std::string command =
      "PYTHONPATH='" + package_dir().string() +
      "' /usr/bin/python3 " RECIS_BENCH_PYTHON_DIR "/embedding_step.py --ids '" +
      ids_file.string() + "' --features " + std::to_string(options.features) + " --batch-size " +
      std::to_string(batch) + " --dim " + std::to_string(options.dim) + " --repeats " +
      std::to_string(options.repeats) + " --threads " + std::to_string(configured_threads());
  const nlohmann::json python = run_for_json(
      command, "bench python-embedding: the Python step (is the recis package built?)");
  const double python_seconds = python.at("seconds").get<double>();

  std::printf("%zu features x batch %lld, dim %zu, vocab %lld (Zipf), %zu threads\n",
              options.features, static_cast<long long>(batch), options.dim,
              static_cast<long long>(options.vocab), configured_threads());
  std::printf("%-52s %8.3f ms/step\n", "C++: embedding::Engine + optim::Adam", cpp_seconds * 1e3);
  std::printf("%-52s %8.3f ms/step\n", "Python: recis.nn.EmbeddingEngine + SparseAdam",
              python_seconds * 1e3);
  std::printf("%-52s %8.3f ms/step\n", "Python's own cost per step",
              (python_seconds - cpp_seconds) * 1e3);
  print_bench_result("python-embedding", 1.0 / python_seconds, 1.0 / cpp_seconds, "steps/s",
                     {{"features", options.features},
                      {"batch_size", batch},
                      {"dim", options.dim},
                      {"vocab", options.vocab},
                      {"threads", configured_threads()},
                      {"python_overhead_ms", (python_seconds - cpp_seconds) * 1e3},
                      {"baseline_source", "the same step driven from C++, this run"}});
  return 0;
}

RECIS_REGISTER_BENCH("python-embedding",
                     "embedding + sparse Adam step from Python (recis package) vs from C++",
                     run_python_embedding_bench);

}  // namespace
}  // namespace recis::bench

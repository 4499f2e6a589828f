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
#include <string>
#include <vector>

#include "bench_registry.h"
#include "embedding_bench_input.h"
#include "executables.h"
#include "recis/common/threads.h"
#include "scratch_dir.h"

namespace recis::bench {
namespace {

// The package next to this binary: <build>/bin/recis-torch -> <build>/python.
std::filesystem::path package_dir() { return bin_dir().parent_path() / "python"; }

int run_python_embedding_bench(const std::vector<std::string>& args) {
  const EmbeddingBenchOptions options = parse_embedding_bench_options("python-embedding", args);
  const int64_t batch = options.batch_size;
  const EmbeddingBenchInput input = make_embedding_bench_input(options);
  ScratchDir scratch("python-embedding");
  const std::filesystem::path ids_file = scratch.path() / "ids.bin";
  std::vector<torch::Tensor> ids;
  for (const auto& feature : input.features) {
    ids.push_back(input.batch.ragged(feature.name).values());
  }
  write_feature_major(ids_file, ids);

  EngineAdamStep cpp_step(input);
  cpp_step();  // creates the rows, as a warm table has them
  const double cpp_seconds = best_seconds(options.repeats, [&] { cpp_step(); });

  const std::string command =
      "PYTHONPATH='" + package_dir().string() +
      "' /usr/bin/python3 " RECIS_BENCH_PYTHON_DIR "/embedding_step.py --ids '" +
      ids_file.string() + "' --features " + std::to_string(options.features) + " --batch-size " +
      std::to_string(batch) + " --dim " + std::to_string(options.dim) + " --repeats " +
      std::to_string(options.repeats) + " --threads " + std::to_string(configured_threads());
  const nlohmann::json python = run_for_json(
      command, "bench python-embedding: the Python step (is the recis package built?)");
  const double python_seconds = python.at("seconds").get<double>();

  print_embedding_bench_header(options);
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

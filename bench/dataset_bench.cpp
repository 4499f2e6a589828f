// `recis bench dataset [--rows N] [--threads N] [--batch-size N] [--repeats N]`: rows/s through
// the whole io::OrcDataset pipeline (decode in --threads threads, 4096-row batches of 26 ragged
// id columns and 14 dense columns) against a raw single-threaded orc::Reader::next scan of the
// same columns of the same file, both measured in this run. The file is `recis gen-data`'s
// Criteo-like sample data (26 list<bigint> + 13 list<double> + a list<double> label; seed 1),
// 1M rows by default, zstd, default stripe size. ratio = pipeline / raw.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_flags.h"
#include "bench_registry.h"
#include "scratch_dir.h"
#include "recis/common/error.h"
#include "recis/datagen/criteo_generator.h"
#include "recis/io/orc_dataset.h"
#include "recis/orc/reader.h"

namespace recis::bench {
namespace {

constexpr int kSparseColumns = 26;
constexpr int kDenseColumns = 13;

struct Options {
  std::size_t rows = 1'000'000;
  std::size_t threads = 2;
  std::int64_t batch_size = 4096;
  int repeats = 2;
};

Options parse_options(const std::vector<std::string>& args) {
  Options options;
  parse_bench_flags("dataset", args,
                    {positive_integer_flag("--rows", &options.rows),
                     positive_integer_flag("--threads", &options.threads),
                     positive_integer_flag("--batch-size", &options.batch_size),
                     positive_integer_flag("--repeats", &options.repeats)});
  return options;
}

io::OrcDatasetOptions pipeline_options(const std::filesystem::path& path, const Options& options) {
  io::OrcDatasetOptions dataset;
  dataset.with_paths({path}).with_worker(0, 1).with_batch_size(options.batch_size).with_read_threads(options.threads);
  for (int i = 1; i <= kSparseColumns; ++i) dataset.varlen("c" + std::to_string(i));
  for (int i = 1; i <= kDenseColumns; ++i) dataset.fixedlen("i" + std::to_string(i), {0.0});
  dataset.fixedlen("label", {0.0});
  return dataset;
}

int run_dataset_bench(const std::vector<std::string>& args) {
  const Options options = parse_options(args);
  const ScratchDir scratch("dataset");
  const std::filesystem::path& dir = scratch.path();
  const auto path =
      datagen::generate_criteo(datagen::CriteoOptions().with_out_dir(dir).with_rows(options.rows))
          .files.front();

  std::uint64_t raw_rows = 0;
  std::size_t stripes = 0;
  const double raw_seconds = best_seconds(options.repeats, [&] {
    auto reader = orc::Reader::open(path);
    stripes = reader->num_stripes();
    auto batch = reader->make_batch();
    raw_rows = 0;
    while (const std::size_t rows = reader->next(*batch, static_cast<std::size_t>(options.batch_size))) raw_rows += rows;
  });
  std::uint64_t pipeline_rows = 0;
  std::uint64_t batches = 0;
  const double pipeline_seconds = best_seconds(options.repeats, [&] {
    io::OrcDataset dataset(pipeline_options(path, options));
    pipeline_rows = 0;
    batches = 0;
    while (const auto batch = dataset.next()) {
      pipeline_rows += static_cast<std::uint64_t>(batch->dense("label").size(0));
      ++batches;
    }
  });
  if (raw_rows != options.rows || pipeline_rows != options.rows) {
    throw Error("dataset bench: read " + std::to_string(raw_rows) + " raw and " + std::to_string(pipeline_rows) +
                " pipeline rows of " + std::to_string(options.rows));
  }
  const double raw_rate = static_cast<double>(options.rows) / raw_seconds / 1e6;
  const double pipeline_rate = static_cast<double>(options.rows) / pipeline_seconds / 1e6;
  const double file_mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  std::printf("file: %zu rows, %zu stripes, %.1f MB (zstd)\n", options.rows, stripes, file_mb);
  std::printf("%-40s %10.3f M rows/s\n", "raw orc::Reader::next scan (1 thread)", raw_rate);
  std::printf("%-40s %10.3f M rows/s  (%zu threads, %llu batches of %lld)\n", "io::OrcDataset pipeline", pipeline_rate,
              options.threads, static_cast<unsigned long long>(batches), static_cast<long long>(options.batch_size));
  print_bench_result("dataset", pipeline_rate, raw_rate, "M rows/s",
                     {{"rows", options.rows},
                      {"stripes", stripes},
                      {"threads", options.threads},
                      {"batch_size", options.batch_size},
                      {"file_mb", file_mb},
                      {"baseline_source", "raw single-threaded orc::Reader::next over the same columns, this run"}});
  return 0;
}

RECIS_REGISTER_BENCH("dataset", "io::OrcDataset rows/s (Criteo-like, 2 threads, batch 4096) vs a raw ORC scan",
                     run_dataset_bench);

}  // namespace
}  // namespace recis::bench

// generate_criteo: writes the Criteo-like sample data (criteo_layout.h) as ORC part files
// DIR/part-00000.orc ... and reports rows, positive rate and the Bayes-optimal AUC (the exact AUC
// of the hidden model's true probabilities against the drawn labels: what a perfect model would
// score on these rows). Row i is the same for a seed whatever --parts is; part p holds rows
// [p * rows / parts, (p + 1) * rows / parts), and parts are written in parallel.
// Called by `recis gen-data`, the dataset and orc-scan benches and the tests.
// Thread-safety: generate_criteo may run concurrently for different directories.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "recis/orc/writer.h"

namespace recis::datagen {

struct CriteoOptions {
  std::filesystem::path out_dir;
  std::uint64_t rows = 1'000'000;
  // The rows written are [first_row, first_row + rows) of the seed's row sequence: a held-out
  // set from the same hidden model starts where the training rows end.
  std::uint64_t first_row = 0;
  std::size_t parts = 1;
  std::uint64_t seed = 1;
  bool with_sequence = false;
  // The hidden model's bias is solved so that this is the expected share of positive labels.
  double positive_rate = 0.25;
  // Threads writing parts in parallel; 0 uses recis::configured_threads().
  std::size_t threads = 0;
  // Replace part-*.orc files already in out_dir (otherwise they are an error).
  bool overwrite = false;
  orc::WriterOptions writer = orc::WriterOptions().with_compression(orc::proto::ZSTD);

  // clang-format off
  CriteoOptions& with_out_dir(std::filesystem::path dir) { out_dir = std::move(dir); return *this; }
  CriteoOptions& with_rows(std::uint64_t n) { rows = n; return *this; }
  CriteoOptions& with_first_row(std::uint64_t n) {
    first_row = n;
    return *this;
  }
  CriteoOptions& with_parts(std::size_t n) { parts = n; return *this; }
  CriteoOptions& with_seed(std::uint64_t s) { seed = s; return *this; }
  CriteoOptions& with_sequence_column(bool on) { with_sequence = on; return *this; }
  CriteoOptions& with_positive_rate(double rate) { positive_rate = rate; return *this; }
  CriteoOptions& with_threads(std::size_t n) { threads = n; return *this; }
  CriteoOptions& with_overwrite(bool on) { overwrite = on; return *this; }
  CriteoOptions& with_writer(orc::WriterOptions options) { writer = std::move(options); return *this; }
  // clang-format on
};

struct GenerationSummary {
  std::uint64_t rows = 0;
  std::vector<std::filesystem::path> files;  // in row order
  std::uint64_t positives = 0;
  double positive_rate = 0;
  double mean_probability = 0;  // of the hidden model, over all rows
  // Exact AUC of the true probabilities vs the labels over the first bayes_auc_rows rows
  // (all rows up to kMaxBayesAucRows); NaN when those rows hold a single class.
  double bayes_auc = 0;
  std::uint64_t bayes_auc_rows = 0;
  double seconds = 0;
};

// Rows the Bayes-optimal AUC is computed over at most (8 bytes of memory per row).
inline constexpr std::uint64_t kMaxBayesAucRows = 1ULL << 24;

// Throws ConfigError for bad options (no rows, more parts than rows, part files already present
// without overwrite) and IoError when the directory or a file cannot be written.
GenerationSummary generate_criteo(const CriteoOptions& options);

// DIR/part-00007.orc for part 7.
std::filesystem::path part_path(const std::filesystem::path& dir, std::size_t part);

}  // namespace recis::datagen

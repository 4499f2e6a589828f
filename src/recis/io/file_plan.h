// FilePlan: the files a dataset reads and the work units they split into. Building it lists the
// paths (directories recursively, *.orc, sorted), opens every file's tail, records its stripes'
// row counts, and checks that each declared column exists with a type the dataset can decode
// and the same type in every file. Files that cannot be opened are errors, or skipped with a
// warning when the options say so.
//
// Sharding: for epoch e the files are taken in order (shuffled by a generator seeded with
// (seed, e) when shuffling), each file's stripes in order; that list of (file, stripe) units is
// numbered u = 0, 1, ... and unit u belongs to worker u % worker_num. So every row is read by
// exactly one worker, and several workers share one large file stripe by stripe.
// Used by OrcDataset. Thread-safety: immutable after build(); const methods are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "recis/io/orc_dataset_options.h"

namespace recis::io {

struct OrcFileInfo {
  std::filesystem::path path;
  std::vector<std::uint64_t> stripe_rows;
  // The file row number of each stripe's first row.
  std::vector<std::uint64_t> stripe_first_row;
};

// One stripe of one file: the unit of sharding and of parallel decoding.
struct WorkUnit {
  std::size_t file = 0;
  std::size_t stripe = 0;
  std::uint64_t rows = 0;
  std::uint64_t first_row = 0;  // in the file
};

// Every file under `paths` (a file as given, a directory's *.orc files sorted, recursively).
// Throws IoError for a path that does not exist and ConfigError when nothing is found.
std::vector<std::filesystem::path> list_orc_files(const std::vector<std::filesystem::path>& paths);

class FilePlan {
 public:
  static FilePlan build(const OrcDatasetOptions& options);

  const std::vector<OrcFileInfo>& files() const { return files_; }
  std::size_t skipped_files() const { return skipped_files_; }
  std::size_t total_units() const { return total_units_; }
  // The declared columns' ORC types (Hive strings), in declaration order.
  const std::vector<std::string>& column_types() const { return column_types_; }

  // This worker's units of epoch `epoch`, in reading order. Every epoch has the same count.
  std::vector<WorkUnit> shard_units(std::size_t epoch, const OrcDatasetOptions& options) const;

 private:
  std::vector<OrcFileInfo> files_;
  std::vector<std::string> column_types_;
  std::size_t skipped_files_ = 0;
  std::size_t total_units_ = 0;
};

}  // namespace recis::io

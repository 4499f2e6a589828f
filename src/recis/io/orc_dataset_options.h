// OrcDatasetOptions: what an io::OrcDataset reads (paths, declared columns) and how (batch size,
// sharding, threads, prefetch, shuffle, epochs, float dtype), with RecIS's option names and
// chained setters:
//   OrcDatasetOptions().with_paths({"data/"}).with_batch_size(4096)
//       .varlen("c1", HashKind::Farm).fixedlen("label", {0.0});
// Column declarations:
//   fixedlen(name, default): a dense [B, dim] tensor, dim = default.size(), from a list of numbers
//     of length dim or (dim 1) a scalar number column; empty and null rows get `default`.
//   varlen(name, hash, bucket): a RaggedTensor; list<x> gives 2 levels, list<list<x>> 3 levels,
//     list<struct<id,weight>> ids with weights, a scalar column one value per row (null = empty).
//     Integer ids pass through unchanged; string values are hashed with `hash` (farm | murmur)
//     and mapped by hash_to_id's bucket rule, or without a hash kept as byte strings (uint8
//     values, one more offsets level: RecIS's trans_int8); floating values become a float ragged.
// Thread-safety: a plain value.
#pragma once

#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "recis/common/hash.h"

namespace recis::io {

enum class ColumnKind { FixedLen, VarLen };

struct ColumnSpec {
  std::string name;
  ColumnKind kind = ColumnKind::VarLen;
  // fixedlen: the value of an empty or null row; its size is the dense dim.
  std::vector<double> default_value;
  // varlen: how string values become ids.
  HashKind hash = HashKind::None;
  std::uint64_t bucket = 0;

  std::size_t dim() const { return default_value.size(); }
};

struct OrcDatasetOptions {
  // Reads worker_idx from the RANK and worker_num from the WORLD_SIZE environment variables
  // (0 and 1 when unset); throws ConfigError for a value that is not a number.
  OrcDatasetOptions();

  // Files or directories; a directory contributes every *.orc file below it, sorted by path.
  std::vector<std::filesystem::path> paths;
  std::int64_t batch_size = 1024;
  // This worker's shard: work unit u (file, stripe) belongs to worker u % worker_num.
  std::size_t worker_idx = 0;
  std::size_t worker_num = 1;
  // Decode threads; 0 means recis::configured_threads().
  std::size_t read_threads = 1;
  // Finished batches kept ready ahead of next() (at least 1).
  std::size_t prefetch = 2;
  // Drop the last batch when it has fewer than batch_size rows.
  bool drop_remainder = false;
  // Shuffle the file order each epoch with a generator seeded by (seed, epoch).
  bool shuffle = false;
  std::uint64_t seed = 0;
  // Passes over the data; batches run on across epoch boundaries.
  std::size_t epochs = 1;
  // dtype of fixedlen tensors and of floating varlen values: torch::kFloat32 or torch::kFloat64.
  torch::ScalarType float_dtype = torch::kFloat32;
  // Skip files that cannot be opened (a warning each, counted in skipped_files()) instead of
  // failing. Missing columns and schema differences are always errors.
  bool skip_unreadable_files = false;
  std::vector<ColumnSpec> columns;

  OrcDatasetOptions& with_paths(std::vector<std::filesystem::path> value) { paths = std::move(value); return *this; }
  OrcDatasetOptions& with_batch_size(std::int64_t value) { batch_size = value; return *this; }
  OrcDatasetOptions& with_worker(std::size_t idx, std::size_t num) { worker_idx = idx; worker_num = num; return *this; }
  OrcDatasetOptions& with_read_threads(std::size_t value) { read_threads = value; return *this; }
  OrcDatasetOptions& with_prefetch(std::size_t value) { prefetch = value; return *this; }
  OrcDatasetOptions& with_drop_remainder(bool value) { drop_remainder = value; return *this; }
  OrcDatasetOptions& with_shuffle(bool value, std::uint64_t shuffle_seed = 0) { shuffle = value; seed = shuffle_seed; return *this; }
  OrcDatasetOptions& with_epochs(std::size_t value) { epochs = value; return *this; }
  OrcDatasetOptions& with_float_dtype(torch::ScalarType value) { float_dtype = value; return *this; }
  OrcDatasetOptions& with_skip_unreadable_files(bool value) { skip_unreadable_files = value; return *this; }

  OrcDatasetOptions& fixedlen(std::string name, std::vector<double> default_value = {0.0});
  OrcDatasetOptions& varlen(std::string name, HashKind hash = HashKind::None, std::uint64_t bucket = 0);

  // Throws ConfigError naming the first bad option.
  void validate() const;
};

}  // namespace recis::io

// EmbeddingOptions: how one feature is embedded (RecIS's EmbeddingOption): width, which rows it
// shares (shared_name), how a row's ids combine into its output (combiner), and the table policies
// (initializer, admission, eviction, storage dtype, trainable, RAM budget). Written in C++ with chained setters
// or read from TOML (embedding_config.h). Consumed by embedding::Engine, which merges compatible
// options into physical tables (table_merging.h). Thread-safety: a plain value.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "recis/embedding/core/table_options.h"

namespace recis::embedding {

enum class Combiner {
  Sum,   // [B, dim]: sum of the row's (weighted) embeddings
  Mean,  // [B, dim]: that sum divided by the row's id count (0 for an empty row)
  Tile,  // [B, tile_len, dim]: the row's first tile_len entries, zero-padded
  None,  // [N, dim]: one embedding per id, aligned with the input's values
};

// Parses "sum" | "mean" | "tile" | "none"; throws ConfigError naming `key` otherwise.
Combiner parse_combiner(std::string_view name, std::string_view key);
std::string_view combiner_name(Combiner combiner);

// Parses "lru" | "lfu" (SpillPolicy); throws ConfigError naming `key` otherwise.
SpillPolicy parse_spill_policy(std::string_view name, std::string_view key);

// A table's RAM budget (tables larger than memory, docs/tiered.md): at most `rows` rows, plus as
// many as `bytes` holds at the row's size plus its id-map share (kIdMapBytesPerRow); the rest of
// the table lives on disk. Features merged into one table add up their budgets.
struct MemoryBudget {
  static constexpr std::size_t kIdMapBytesPerRow = 16;
  std::size_t bytes = 0;
  std::size_t rows = 0;
  // The directory the table's tier goes under (as DIR/<table name>); empty: the engine's disk_dir.
  std::filesystem::path disk_path;
  SpillPolicy spill = SpillPolicy::LeastRecent;
  bool set() const { return bytes > 0 || rows > 0; }
  // The rows this budget keeps in RAM for rows of `row_bytes`.
  std::size_t rows_for(std::size_t row_bytes) const {
    return rows + bytes / (row_bytes + kIdMapBytesPerRow);
  }
};

// Parses a byte size: an integer with an optional unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB);
// throws ConfigError naming `key` for anything else or zero.
std::size_t parse_byte_size(std::string_view text, std::string_view key);

struct EmbeddingOptions {
  std::string name;         // the output's name
  std::string input;        // the Batch column holding the ids; empty = name
  std::size_t dim = 8;
  std::string shared_name;  // features with one shared_name read the same rows; empty = name
  Combiner combiner = Combiner::Sum;
  std::size_t tile_len = 0;  // Tile only
  InitializerSpec initializer;
  bool trainable = true;
  AdmissionOptions admission;
  EvictionOptions eviction;
  ElementType dtype = ElementType::F32;
  MemoryBudget memory;  // unset: every row in RAM

  EmbeddingOptions() = default;
  EmbeddingOptions(std::string name_, std::size_t dim_) : name(std::move(name_)), dim(dim_) {}
  EmbeddingOptions& with_input(std::string value) { input = std::move(value); return *this; }
  EmbeddingOptions& with_shared_name(std::string value) {
    shared_name = std::move(value);
    return *this;
  }
  EmbeddingOptions& with_combiner(Combiner value, std::size_t len = 0) {
    combiner = value;
    tile_len = len;
    return *this;
  }
  EmbeddingOptions& with_initializer(InitializerSpec value) {
    initializer = value;
    return *this;
  }
  EmbeddingOptions& with_trainable(bool value) { trainable = value; return *this; }
  EmbeddingOptions& with_admission(AdmissionOptions value) { admission = value; return *this; }
  EmbeddingOptions& with_eviction(EvictionOptions value) { eviction = value; return *this; }
  EmbeddingOptions& with_dtype(ElementType value) { dtype = value; return *this; }
  EmbeddingOptions& with_memory(MemoryBudget value) {
    memory = std::move(value);
    return *this;
  }

  const std::string& input_column() const { return input.empty() ? name : input; }
  const std::string& table_name() const { return shared_name.empty() ? name : shared_name; }
};

// Throws ConfigError naming the feature and option when a value is out of range (dim 0, tile
// without tile_len, tile_len with another combiner).
void validate(const EmbeddingOptions& options);

}  // namespace recis::embedding

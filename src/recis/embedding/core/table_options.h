// TableOptions: everything fixed when a TableCore is created (row layout, initializer, admission,
// eviction, disk tier, sharding), and TableStats, the counters a table reports. Plain value types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "recis/embedding/core/initializer.h"
#include "recis/embedding/core/row_layout.h"

namespace recis::embedding {

enum class AdmissionMode {
  Always,          // every id gets a row on its first lookup
  ReadOnly,        // unknown ids read the zero row and insert nothing (evaluation tables)
  CountThreshold,  // an id gets a row once it has been seen `threshold` times
};

struct AdmissionOptions {
  AdmissionMode mode = AdmissionMode::Always;
  uint32_t threshold = 1;  // CountThreshold: sightings needed, in [1, 255]
  // CountThreshold: the counting Bloom filter's size (1 byte a counter) and hashes per id. Size
  // it at 8-16 counters per distinct id awaiting admission (see counting_bloom_filter.h).
  std::size_t filter_counters = std::size_t{1} << 22;
  int filter_hashes = 4;
};

struct EvictionOptions {
  // Rows not looked up for this many global steps are freed by evict(); 0 turns it off.
  int64_t ttl_steps = 0;
  // evict() frees the least recently seen rows beyond this many; 0 means no cap.
  std::size_t max_rows = 0;
};

// Which RAM rows go to the disk tier first when a table is over its memory budget.
enum class SpillPolicy {
  LeastRecent,    // oldest last step first (LRU)
  LeastFrequent,  // smallest sighting count first (LFU)
};

// Tables larger than memory: at most memory_rows rows stay in RAM, the rest live in a DiskTier
// (disk_tier.h) at disk_path. memory_rows 0: every row in RAM and no disk is touched.
struct TierOptions {
  std::size_t memory_rows = 0;
  std::filesystem::path disk_path;
  SpillPolicy spill = SpillPolicy::LeastRecent;
};

struct TableOptions {
  int64_t table_id = 0;  // part of the initializer's key: tables sharing a seed still differ
  // A merged table (child_id.h): per child, the table id its new rows are initialized with, so a
  // row starts as it would in the child's own table (keyed by the id's low 52 bits). Empty: the
  // table is not merged; rows are keyed by table_id and the whole id (as are ids whose child
  // index is beyond this list).
  std::vector<int64_t> child_table_ids;
  uint64_t seed = 0;
  std::size_t dim = 8;
  ElementType element_type = ElementType::F32;
  std::vector<SlotSpec> slots;  // optimizer state, e.g. {{"adam_m", dim}, {"adam_v", dim}}
  InitializerSpec initializer;
  AdmissionOptions admission;
  EvictionOptions eviction;
  TierOptions tier;
  std::size_t num_shards = 16;     // IdMap shards: a power of two in [1, 1024]
  std::size_t rows_per_block = 0;  // RowBlocks block size; 0 = about 2 MiB a block
};

struct TableStats {
  std::size_t rows = 0;   // live rows in RAM
  std::size_t bytes = 0;  // id map + row blocks + admission filter + the disk tier's RAM
  // Map and per-row metadata bytes per live row (excludes the embedding, the optimizer slots,
  // unfilled block tails and the fixed-size admission filter).
  double overhead_bytes_per_row = 0;
  uint64_t lookups = 0;       // ids looked up for training
  uint64_t hits = 0;          // ... that already had a row
  uint64_t inserts = 0;       // rows created by lookups and restores
  uint64_t not_admitted = 0;  // ids looked up that got no row
  uint64_t evicted_by_ttl = 0;
  uint64_t evicted_by_capacity = 0;
  std::size_t disk_rows = 0;      // rows in the disk tier (TierOptions)
  uint64_t spilled = 0;           // rows moved from RAM to the disk tier
  uint64_t promoted = 0;          // rows moved back from the disk tier by lookups
  double hit_rate() const { return lookups ? double(hits) / double(lookups) : 0.0; }
};

}  // namespace recis::embedding

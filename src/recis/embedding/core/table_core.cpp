#include "recis/embedding/core/table_core.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "recis/common/error.h"
#include "recis/embedding/core/child_id.h"

namespace recis::embedding {
namespace {

// RowMeta fields are read and written by concurrent lookups and evictions: always atomically.
std::atomic_ref<uint32_t> last_step_of(RowMeta* meta) { return std::atomic_ref(meta->last_step); }
std::atomic_ref<uint32_t> count_of(RowMeta* meta) { return std::atomic_ref(meta->count); }

std::string table_name(const TableOptions& options) {
  return "embedding table " + std::to_string(options.table_id);
}

void validate(const TableOptions& options) {
  const AdmissionOptions& admission = options.admission;
  if (admission.mode == AdmissionMode::CountThreshold &&
      (admission.threshold < 1 || admission.threshold > 255)) {
    throw ConfigError(table_name(options) + ": admission threshold " +
                      std::to_string(admission.threshold) + " must be in [1, 255]");
  }
  if (options.child_table_ids.size() > static_cast<std::size_t>(kMaxChildren)) {
    throw ConfigError(table_name(options) + ": " + std::to_string(options.child_table_ids.size()) +
                      " merged children; at most " + std::to_string(kMaxChildren) + " fit in " +
                      std::to_string(kChildBits) + " id bits");
  }
  if (options.tier.memory_rows > 0 && options.tier.disk_path.empty()) {
    throw ConfigError(table_name(options) + ": a memory budget of " +
                      std::to_string(options.tier.memory_rows) + " rows needs a disk_path");
  }
  if (options.tier.memory_rows > 0 && options.eviction.max_rows > 0) {
    throw ConfigError(table_name(options) +
                      ": eviction max_rows together with a memory budget is not supported; "
                      "use ttl_steps to bound a tiered table");
  }
  if (options.eviction.ttl_steps < 0) {
    throw ConfigError(table_name(options) + ": eviction ttl_steps " +
                      std::to_string(options.eviction.ttl_steps) + " must be >= 0 (0 = off)");
  }
}

}  // namespace

TableCore::TableCore(TableOptions options)
    : options_((validate(options), std::move(options))),
      initializer_(options_.initializer, options_.dim),
      map_(options_.num_shards),
      rows_(std::make_unique<RowBlocks>(
          RowLayout(options_.dim, options_.element_type, options_.slots),
          options_.rows_per_block)) {
  if (options_.admission.mode == AdmissionMode::CountThreshold) {
    admission_filter_ = std::make_unique<CountingBloomFilter>(options_.admission.filter_counters,
                                                              options_.admission.filter_hashes);
  }
  if (options_.tier.memory_rows > 0) {
    // RocksDB's own RAM: an eighth of the budget's row bytes, within [8 MiB, 128 MiB].
    const std::size_t row_bytes = rows_->layout().row_bytes();
    const std::size_t rocksdb_bytes = std::clamp<std::size_t>(
        options_.tier.memory_rows / 8 * row_bytes, std::size_t{8} << 20, std::size_t{128} << 20);
    disk_ = std::make_unique<DiskTier>(options_.tier.disk_path, row_bytes, table_name(options_),
                                       rocksdb_bytes);
  }
}

void TableCore::lookup(std::span<const int64_t> ids, int64_t step, std::span<int64_t> rows,
                       std::span<const uint32_t> counts) {
  if (ids.size() != rows.size() || (!counts.empty() && counts.size() != ids.size())) {
    throw Error(table_name(options_) + ": lookup of " + std::to_string(ids.size()) + " ids with " +
                std::to_string(rows.size()) + " row outputs and " + std::to_string(counts.size()) +
                " counts; rows must match ids, counts must match or be empty");
  }
  if (step < 0 || step > int64_t{UINT32_MAX}) {
    throw Error(table_name(options_) + ": step " + std::to_string(step) + " is outside [0, 2^32)");
  }
  const auto step32 = static_cast<uint32_t>(step);
  const std::size_t n = ids.size();
  lookups_.fetch_add(n, std::memory_order_relaxed);
  promote(ids);

  switch (options_.admission.mode) {
    case AdmissionMode::ReadOnly: {
      map_.find(ids, rows);
      const auto found = static_cast<std::size_t>(
          std::count_if(rows.begin(), rows.end(), [](int64_t row) { return row != kNoRow; }));
      hits_.fetch_add(found, std::memory_order_relaxed);
      not_admitted_.fetch_add(n - found, std::memory_order_relaxed);
      return;
    }
    case AdmissionMode::Always: {
      const std::size_t inserted = map_.find_or_insert(
          ids, rows, [&](std::size_t i, int64_t row) { initialize_row(ids[i], row, step32); });
      hits_.fetch_add(n - inserted, std::memory_order_relaxed);
      inserts_.fetch_add(inserted, std::memory_order_relaxed);
      break;
    }
    case AdmissionMode::CountThreshold: {
      map_.find(ids, rows);
      thread_local std::vector<int64_t> admitted_ids, admitted_rows;
      thread_local std::vector<std::size_t> admitted_positions;
      admitted_ids.clear();
      admitted_positions.clear();
      std::size_t found = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (rows[i] != kNoRow) {
          ++found;
          continue;
        }
        const uint32_t seen = admission_filter_->add(ids[i], counts.empty() ? 1 : counts[i]);
        if (seen >= options_.admission.threshold) {
          admitted_ids.push_back(ids[i]);
          admitted_positions.push_back(i);
        }
      }
      admitted_rows.resize(admitted_ids.size());
      const std::size_t inserted = map_.find_or_insert(
          admitted_ids, admitted_rows,
          [&](std::size_t j, int64_t row) { initialize_row(admitted_ids[j], row, step32); });
      for (std::size_t j = 0; j < admitted_ids.size(); ++j) {
        rows[admitted_positions[j]] = admitted_rows[j];
      }
      // Ids another thread inserted between the two passes count as hits.
      hits_.fetch_add(found + admitted_ids.size() - inserted, std::memory_order_relaxed);
      inserts_.fetch_add(inserted, std::memory_order_relaxed);
      not_admitted_.fetch_add(n - found - admitted_ids.size(), std::memory_order_relaxed);
      break;
    }
  }
  touch(rows, step32, counts);
}

void TableCore::find(std::span<const int64_t> ids, std::span<int64_t> rows) const {
  promote(ids);
  map_.find(ids, rows);
}

bool TableCore::expired_on_disk(const std::byte* row) const {
  // The row's bytes may sit at any address (RocksDB's values are not aligned): copy the metadata.
  RowMeta meta;
  std::memcpy(&meta, row, sizeof meta);
  const int64_t ttl_step = last_ttl_step_.load(std::memory_order_relaxed);
  return ttl_step >= 0 && ttl_step - int64_t{meta.last_step} >= options_.eviction.ttl_steps;
}

void TableCore::promote(std::span<const int64_t> ids) const {
  if (!disk_ || disk_->size() == 0) return;
  const std::size_t row_bytes = rows_->layout().row_bytes();
  thread_local std::vector<int64_t> rows, cold, back, back_rows, leaving;
  thread_local std::vector<std::size_t> source;
  thread_local std::vector<std::byte> bytes;
  thread_local std::vector<uint8_t> found;
  rows.resize(ids.size());
  map_.find(ids, rows);
  cold.clear();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (rows[i] == kNoRow) cold.push_back(ids[i]);
  }
  if (cold.empty()) return;
  bytes.resize(cold.size() * row_bytes);
  found.resize(cold.size());
  if (disk_->get(cold, bytes.data(), found) == 0) return;
  back.clear();
  source.clear();
  leaving.clear();
  std::size_t expired = 0;
  for (std::size_t j = 0; j < cold.size(); ++j) {
    if (!found[j]) continue;
    leaving.push_back(cold[j]);
    if (expired_on_disk(bytes.data() + j * row_bytes)) {
      ++expired;
      continue;
    }
    back.push_back(cold[j]);
    source.push_back(j);
  }
  back_rows.resize(back.size());
  map_.find_or_insert(back, back_rows, [&](std::size_t k, int64_t row) {
    rows_->ensure(row);
    std::memcpy(rows_->row_data(row), bytes.data() + source[k] * row_bytes, row_bytes);
  });
  disk_->erase(leaving);
  promoted_.fetch_add(back.size(), std::memory_order_relaxed);
  evicted_by_ttl_.fetch_add(expired, std::memory_order_relaxed);
}

void TableCore::initialize_row(int64_t id, int64_t row, uint32_t step) {
  rows_->ensure(row);
  thread_local std::vector<float> values;
  values.resize(options_.dim);
  initial_row(id, values);
  rows_->write_embedding(row, values);
  const RowLayout& layout = rows_->layout();
  if (!layout.slots().empty()) {
    std::byte* slots = rows_->row_data(row) + layout.slot_offset(0);
    std::memset(slots, 0, layout.row_bytes() - layout.slot_offset(0));
  }
  RowMeta* meta = rows_->meta(row);
  last_step_of(meta).store(step, std::memory_order_relaxed);
  count_of(meta).store(0, std::memory_order_relaxed);
}

void TableCore::touch(std::span<const int64_t> rows, uint32_t step,
                      std::span<const uint32_t> counts) {
  constexpr std::size_t ahead = RowBlocks::kPrefetchDistance;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i + ahead < rows.size() && rows[i + ahead] != kNoRow) {
      rows_->prefetch(rows[i + ahead], 0, sizeof(RowMeta));
    }
    if (rows[i] == kNoRow) continue;
    RowMeta* meta = rows_->meta(rows[i]);
    last_step_of(meta).store(step, std::memory_order_relaxed);
    const uint32_t add = counts.empty() ? 1 : counts[i];
    const uint32_t before = count_of(meta).fetch_add(add, std::memory_order_relaxed);
    if (before > UINT32_MAX - add) count_of(meta).store(UINT32_MAX, std::memory_order_relaxed);
  }
}

TableCore::Evicted TableCore::evict(int64_t step) {
  // Rows retired by the previous eviction have outlived every lookup of that step.
  map_.release_retired();
  Evicted evicted;
  if (options_.eviction.ttl_steps > 0) {
    last_ttl_step_.store(step, std::memory_order_relaxed);
    evicted.by_ttl = map_.erase_if(
        [&](int64_t, int64_t row) {
          const int64_t last = last_step_of(rows_->meta(row)).load(std::memory_order_relaxed);
          return step - last >= options_.eviction.ttl_steps;
        },
        IdMap::Reuse::AfterRelease);
  }
  if (options_.eviction.max_rows > 0) {
    const std::size_t live = map_.size();
    if (live > options_.eviction.max_rows) {
      evicted.by_capacity = evict_least_recent(live - options_.eviction.max_rows);
    }
  }
  evicted_by_ttl_.fetch_add(evicted.by_ttl, std::memory_order_relaxed);
  evicted_by_capacity_.fetch_add(evicted.by_capacity, std::memory_order_relaxed);
  enforce_budget();
  return evicted;
}

std::size_t TableCore::enforce_budget() {
  if (!disk_ || map_.size() <= options_.tier.memory_rows) return 0;
  const std::size_t moved = spill();
  spilled_.fetch_add(moved, std::memory_order_relaxed);
  return moved;
}

uint32_t TableCore::cold_key(RowMeta* meta, SpillPolicy by) {
  return by == SpillPolicy::LeastRecent ? last_step_of(meta).load(std::memory_order_relaxed)
                                        : count_of(meta).load(std::memory_order_relaxed);
}

std::optional<TableCore::ColdCut> TableCore::least_recent(std::size_t count) const {
  constexpr SpillPolicy by = SpillPolicy::LeastRecent;
  // The cutoff key: `count` rows have a key at or below it. Rows below it go, then the rows
  // exactly at it with the smallest ids, until `count` rows are chosen. Breaking the tie by id
  // (not map order) makes the choice the same after a checkpoint restore re-lays the map.
  std::vector<uint32_t> keys;
  keys.reserve(map_.size());
  map_.for_each([&](int64_t, int64_t row) { keys.push_back(cold_key(rows_->meta(row), by)); });
  count = std::min(count, keys.size());
  if (count == 0) return std::nullopt;
  std::nth_element(keys.begin(), keys.begin() + (count - 1), keys.end());
  const uint32_t cutoff = keys[count - 1];
  const auto below = static_cast<std::size_t>(
      std::count_if(keys.begin(), keys.end(), [&](uint32_t key) { return key < cutoff; }));
  const std::size_t at_cutoff_quota = count - below;
  std::vector<int64_t> at_cutoff;
  map_.for_each([&](int64_t id, int64_t row) {
    if (cold_key(rows_->meta(row), by) == cutoff) at_cutoff.push_back(id);
  });
  std::nth_element(at_cutoff.begin(), at_cutoff.begin() + (at_cutoff_quota - 1), at_cutoff.end());
  return ColdCut{cutoff, at_cutoff[at_cutoff_quota - 1]};
}

bool TableCore::is_cold(const ColdCut& cut, int64_t id, int64_t row) const {
  const uint32_t key = cold_key(rows_->meta(row), SpillPolicy::LeastRecent);
  return key < cut.key || (key == cut.key && id <= cut.last_id);
}

uint32_t TableCore::spill_cutoff(std::size_t count, SpillPolicy by) const {
  // Which rows go to disk does not change any value (only where rows live), so the cutoff comes
  // from a sample: whole id-map shards, each a uniform random subset of the ids (by hash).
  constexpr std::size_t kSampleRows = 1 << 16;
  std::vector<uint32_t> keys;
  for (std::size_t shard = 0; shard < map_.num_shards() && keys.size() < kSampleRows; ++shard) {
    map_.for_each_in_shard(shard, [&](int64_t, int64_t row) {
      keys.push_back(cold_key(rows_->meta(row), by));
    });
  }
  if (keys.empty()) return 0;
  const auto at = std::min(keys.size() - 1, keys.size() * count / std::max<std::size_t>(1, map_.size()));
  std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(at), keys.end());
  return keys[at];
}

std::size_t TableCore::spill() {
  // Down to 7/8 of the budget, so that a spill (a pass over the RAM rows) comes once per
  // budget/8 new rows rather than every step.
  const std::size_t budget = options_.tier.memory_rows;
  const std::size_t target = budget - budget / 8;
  const SpillPolicy by = options_.tier.spill;
  constexpr std::size_t kBatchRows = 16384;
  const std::size_t row_bytes = rows_->layout().row_bytes();
  std::vector<int64_t> ids;
  std::vector<std::byte> bytes;
  ids.reserve(kBatchRows);
  bytes.reserve(kBatchRows * row_bytes);
  auto flush = [&] {
    disk_->put(ids, bytes.data());
    ids.clear();
    bytes.clear();
  };
  std::size_t moved = 0;
  // Each pass moves up to the excess among the rows at or below the sampled cutoff, an equal
  // share from each id-map shard: a shard that lost more rows than the others would take new
  // row numbers beyond its old ones for the ids that hash to it, and the row blocks would grow
  // while the row count does not. A sample that put the cutoff too low costs another pass.
  const std::size_t shards = map_.num_shards();
  while (map_.size() > target) {
    const std::size_t excess = map_.size() - target;
    const uint32_t cutoff = spill_cutoff(excess, by);
    std::vector<std::size_t> left(shards, (excess + shards - 1) / shards);
    // One pass: a row leaving is copied out and written in batches, then erased in the same
    // visit (nothing runs alongside a tiered table's spill, so its row is free at once).
    moved += map_.erase_if(
        [&](int64_t id, int64_t row) {
          std::size_t& share = left[static_cast<std::size_t>(row) & (shards - 1)];
          if (share == 0 || cold_key(rows_->meta(row), by) > cutoff) return false;
          --share;
          ids.push_back(id);
          const std::byte* data = rows_->row_data(row);
          bytes.insert(bytes.end(), data, data + row_bytes);
          if (ids.size() == kBatchRows) flush();
          return true;
        },
        IdMap::Reuse::Now);
    flush();
  }
  return moved;
}

std::size_t TableCore::evict_least_recent(std::size_t excess) {
  const std::optional<ColdCut> cut = least_recent(excess);
  if (!cut) return 0;
  return map_.erase_if(
      [&](int64_t id, int64_t row) { return is_cold(*cut, id, row); },
      IdMap::Reuse::AfterRelease);
}

std::size_t TableCore::erase(std::span<const int64_t> ids) {
  promote(ids);
  return map_.erase(ids);
}

void TableCore::for_each_row(FunctionRef<void(int64_t id, int64_t row)> fn) const {
  map_.for_each(fn);
}

void TableCore::for_each_disk_id(FunctionRef<void(int64_t id)> fn) const {
  if (!disk_) return;
  disk_->for_each([&](int64_t id, const std::byte* row) {
    if (!expired_on_disk(row)) fn(id);
  });
}

void TableCore::read_disk_rows(std::span<const int64_t> ids, std::byte* out) const {
  if (ids.empty()) return;
  std::vector<uint8_t> found(ids.size());
  if (!disk_ || disk_->get(ids, out, found) != ids.size()) {
    const auto missing = std::find(found.begin(), found.end(), 0) - found.begin();
    throw Error(table_name(options_) + ": id " + std::to_string(ids[static_cast<std::size_t>(missing)]) +
                " is not in the disk tier");
  }
}

void TableCore::restore_to_disk(std::span<const int64_t> ids, const std::byte* rows) {
  const std::size_t row_bytes = rows_->layout().row_bytes();
  std::vector<int64_t> in_ram(ids.size());
  map_.find(ids, in_ram);
  std::vector<std::byte> scratch(ids.size() * row_bytes);
  std::vector<uint8_t> on_disk(ids.size());
  disk_->get(ids, scratch.data(), on_disk);
  std::vector<int64_t> replaced, written;
  std::vector<std::byte> bytes;
  bytes.reserve(ids.size() * row_bytes);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::byte* row = rows + i * row_bytes;
    if (in_ram[i] != kNoRow) {
      std::memcpy(rows_->row_data(in_ram[i]), row, row_bytes);
      continue;
    }
    if (on_disk[i]) replaced.push_back(ids[i]);
    written.push_back(ids[i]);
    bytes.insert(bytes.end(), row, row + row_bytes);
  }
  disk_->erase(replaced);
  disk_->put(written, bytes.data());
  inserts_.fetch_add(written.size() - replaced.size(), std::memory_order_relaxed);
}

std::size_t TableCore::ram_room() const {
  if (!disk_) return SIZE_MAX;
  const std::size_t live = map_.size();
  return live >= options_.tier.memory_rows ? 0 : options_.tier.memory_rows - live;
}

void TableCore::restore(std::span<const int64_t> ids, std::span<const RowMeta> metas,
                        std::span<int64_t> rows, NewRows new_rows) {
  if (metas.size() != ids.size() || rows.size() != ids.size()) {
    throw Error(table_name(options_) + ": restore of " + std::to_string(ids.size()) + " ids with " +
                std::to_string(metas.size()) + " metadata entries and " +
                std::to_string(rows.size()) + " row outputs; all three must match");
  }
  promote(ids);
  const std::size_t inserted = map_.find_or_insert(ids, rows, [&](std::size_t, int64_t row) {
    rows_->ensure(row);
    if (new_rows == NewRows::kCallerWritesAll) return;
    const RowLayout& layout = rows_->layout();
    std::memset(rows_->row_data(row) + layout.embedding_offset(), 0,
                layout.row_bytes() - layout.embedding_offset());
  });
  for (std::size_t i = 0; i < ids.size(); ++i) {
    RowMeta* meta = rows_->meta(rows[i]);
    last_step_of(meta).store(metas[i].last_step, std::memory_order_relaxed);
    count_of(meta).store(metas[i].count, std::memory_order_relaxed);
  }
  inserts_.fetch_add(inserted, std::memory_order_relaxed);
}

void TableCore::initial_row(int64_t id, std::span<float> out) const {
  if (out.size() != options_.dim) {
    throw Error(table_name(options_) + ": initial_row into " + std::to_string(out.size()) +
                " floats; the table's dim is " + std::to_string(options_.dim));
  }
  const auto child = static_cast<std::size_t>(child_of(id));
  if (child < options_.child_table_ids.size()) {
    initializer_.fill(options_.seed, options_.child_table_ids[child], child_local_id(id), out);
  } else {
    initializer_.fill(options_.seed, options_.table_id, id, out);
  }
}

TableStats TableCore::stats() const {
  TableStats stats;
  stats.rows = map_.size();
  const std::size_t map_bytes = map_.memory_bytes();
  const std::size_t filter_bytes = admission_filter_ ? admission_filter_->memory_bytes() : 0;
  stats.bytes = map_bytes + rows_->memory_bytes() + filter_bytes;
  const RowLayout& layout = rows_->layout();
  std::size_t payload = layout.embedding_bytes();
  for (const SlotSpec& slot : layout.slots()) payload += slot.width * sizeof(float);
  if (stats.rows > 0) {
    stats.overhead_bytes_per_row =
        double(map_bytes) / double(stats.rows) + double(layout.row_bytes() - payload);
  }
  stats.lookups = lookups_.load(std::memory_order_relaxed);
  stats.hits = hits_.load(std::memory_order_relaxed);
  stats.inserts = inserts_.load(std::memory_order_relaxed);
  stats.not_admitted = not_admitted_.load(std::memory_order_relaxed);
  stats.evicted_by_ttl = evicted_by_ttl_.load(std::memory_order_relaxed);
  stats.evicted_by_capacity = evicted_by_capacity_.load(std::memory_order_relaxed);
  stats.spilled = spilled_.load(std::memory_order_relaxed);
  stats.promoted = promoted_.load(std::memory_order_relaxed);
  if (disk_) {
    stats.disk_rows = disk_->size();
    stats.bytes += disk_->memory_bytes();
  }
  return stats;
}

}  // namespace recis::embedding

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
  map_.find(ids, rows);
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
  return evicted;
}

std::size_t TableCore::evict_least_recent(std::size_t excess) {
  // The cutoff step: `excess` rows were last seen at or before it. Rows seen before it go, then
  // the rows seen exactly at it with the smallest ids, until `excess` rows are gone. Breaking the
  // tie by id (not map order) makes the choice the same after a checkpoint restore re-lays the map.
  std::vector<uint32_t> steps;
  steps.reserve(map_.size());
  map_.for_each([&](int64_t, int64_t row) {
    steps.push_back(last_step_of(rows_->meta(row)).load(std::memory_order_relaxed));
  });
  excess = std::min(excess, steps.size());
  if (excess == 0) return 0;
  std::nth_element(steps.begin(), steps.begin() + (excess - 1), steps.end());
  const uint32_t cutoff = steps[excess - 1];
  const auto older = static_cast<std::size_t>(
      std::count_if(steps.begin(), steps.end(), [&](uint32_t s) { return s < cutoff; }));
  const std::size_t at_cutoff_quota = excess - older;
  std::vector<int64_t> at_cutoff;
  map_.for_each([&](int64_t id, int64_t row) {
    if (last_step_of(rows_->meta(row)).load(std::memory_order_relaxed) == cutoff) {
      at_cutoff.push_back(id);
    }
  });
  std::nth_element(at_cutoff.begin(), at_cutoff.begin() + (at_cutoff_quota - 1), at_cutoff.end());
  const int64_t largest_evicted_id = at_cutoff[at_cutoff_quota - 1];
  return map_.erase_if(
      [&](int64_t id, int64_t row) {
        const uint32_t last = last_step_of(rows_->meta(row)).load(std::memory_order_relaxed);
        return last < cutoff || (last == cutoff && id <= largest_evicted_id);
      },
      IdMap::Reuse::AfterRelease);
}

std::size_t TableCore::erase(std::span<const int64_t> ids) { return map_.erase(ids); }

void TableCore::for_each_row(FunctionRef<void(int64_t id, int64_t row)> fn) const {
  map_.for_each(fn);
}

void TableCore::restore(std::span<const int64_t> ids, std::span<const RowMeta> metas,
                        std::span<int64_t> rows, NewRows new_rows) {
  if (metas.size() != ids.size() || rows.size() != ids.size()) {
    throw Error(table_name(options_) + ": restore of " + std::to_string(ids.size()) + " ids with " +
                std::to_string(metas.size()) + " metadata entries and " +
                std::to_string(rows.size()) + " row outputs; all three must match");
  }
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
  return stats;
}

}  // namespace recis::embedding

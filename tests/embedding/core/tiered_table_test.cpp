// A table with a memory budget (a RAM tier and a disk tier) must compute exactly what the same
// table all in RAM does: these tests train both side by side and compare every value they read
// and every row they end with.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "recis/common/error.h"
#include "recis/embedding/core/table_core.h"
#include "support/test_support.h"

namespace recis::embedding {
namespace {

using recis::testing::TempDir;
using Snapshot = std::map<int64_t, std::vector<std::byte>>;

TableOptions base_options() {
  TableOptions options;
  options.table_id = 3;
  options.seed = 11;
  options.dim = 4;
  options.slots = {{"m", 4}};
  options.initializer.kind = InitKind::Normal;
  options.initializer.stddev = 0.1;
  options.num_shards = 4;
  options.rows_per_block = 64;
  return options;
}

TableOptions tiered(TableOptions options, std::size_t memory_rows, const TempDir& dir) {
  options.tier.memory_rows = memory_rows;
  options.tier.disk_path = dir / "tier";
  return options;
}

// One step's unique ids, drawn Zipf-like from `vocab` (a few hot ids, a long tail), with counts.
struct Batch {
  std::vector<int64_t> ids;
  std::vector<uint32_t> counts;
};
Batch draw(std::mt19937_64& rng, std::size_t draws, int64_t vocab) {
  std::map<int64_t, uint32_t> seen;
  std::uniform_real_distribution<double> unit(0, 1);
  for (std::size_t i = 0; i < draws; ++i) {
    const auto id = static_cast<int64_t>(std::pow(static_cast<double>(vocab), unit(rng))) * 7919;
    ++seen[id];
  }
  Batch batch;
  for (const auto& [id, count] : seen) {
    batch.ids.push_back(id);
    batch.counts.push_back(count);
  }
  std::shuffle(batch.ids.begin(), batch.ids.end(), rng);
  for (std::size_t i = 0; i < batch.ids.size(); ++i) batch.counts[i] = seen[batch.ids[i]];
  return batch;
}

// What one training step read: each id's embedding (NaN for ids without a row).
using StepReads = std::vector<float>;

// Trains `steps` steps: lookup, read the rows, an optimizer-like update of embedding and slot
// (a function of the values, the id and the step), evict. Returns what every step read.
std::vector<StepReads> train(TableCore& table, int steps, std::size_t memory_rows = 0) {
  std::mt19937_64 rng(99);
  std::vector<StepReads> reads;
  for (int step = 1; step <= steps; ++step) {
    const Batch batch = draw(rng, 300, 4000);
    std::vector<int64_t> rows(batch.ids.size());
    table.lookup(batch.ids, step, rows, batch.counts);
    StepReads read;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i] == TableCore::kNoRow) {
        read.insert(read.end(), 4, NAN);
        continue;
      }
      auto* embedding = static_cast<float*>(table.rows().embedding(rows[i]));
      float* slot = table.rows().slot(rows[i], 0);
      for (int k = 0; k < 4; ++k) {
        read.push_back(embedding[k]);
        slot[k] = 0.9f * slot[k] + 0.1f * embedding[k];
        embedding[k] -= 0.01f * slot[k] + 1e-3f * static_cast<float>((batch.ids[i] + step) % 5);
      }
    }
    reads.push_back(std::move(read));
    table.evict(step);
    if (memory_rows > 0) {
      EXPECT_LE(table.stats().rows, memory_rows) << "step " << step;
    }
  }
  return reads;
}

Snapshot snapshot(const TableCore& table) {
  const std::size_t row_bytes = table.rows().layout().row_bytes();
  Snapshot rows;
  table.for_each_row([&](int64_t id, int64_t row) {
    const std::byte* data = table.rows().row_data(row);
    rows[id].assign(data, data + row_bytes);
  });
  std::vector<int64_t> disk_ids;
  table.for_each_disk_id([&](int64_t id) { disk_ids.push_back(id); });
  std::vector<std::byte> bytes(disk_ids.size() * row_bytes);
  table.read_disk_rows(disk_ids, bytes.data());
  for (std::size_t i = 0; i < disk_ids.size(); ++i) {
    EXPECT_FALSE(rows.contains(disk_ids[i])) << "id " << disk_ids[i] << " is in both tiers";
    rows[disk_ids[i]].assign(bytes.begin() + static_cast<std::ptrdiff_t>(i * row_bytes),
                             bytes.begin() + static_cast<std::ptrdiff_t>((i + 1) * row_bytes));
  }
  return rows;
}

// Bitwise comparison (NaN == NaN): the reads must be the same bits, not merely close.
bool same_bits(const std::vector<StepReads>& a, const std::vector<StepReads>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t s = 0; s < a.size(); ++s) {
    if (a[s].size() != b[s].size() ||
        std::memcmp(a[s].data(), b[s].data(), a[s].size() * sizeof(float)) != 0) {
      return false;
    }
  }
  return true;
}

void expect_same_training(TableOptions options, std::size_t memory_rows, int steps = 60) {
  TempDir dir;
  TableCore in_ram(options);
  TableCore split(tiered(options, memory_rows, dir));
  const std::vector<StepReads> ram_reads = train(in_ram, steps);
  const std::vector<StepReads> split_reads = train(split, steps, memory_rows);
  EXPECT_TRUE(same_bits(ram_reads, split_reads));
  const Snapshot ram_rows = snapshot(in_ram);
  const Snapshot split_rows = snapshot(split);
  EXPECT_EQ(ram_rows.size(), split_rows.size());
  EXPECT_TRUE(ram_rows == split_rows);
  EXPECT_GT(split.stats().disk_rows, 0u);
  EXPECT_GT(split.stats().promoted, 0u);
  EXPECT_EQ(in_ram.stats().hits, split.stats().hits);
  EXPECT_EQ(in_ram.stats().inserts, split.stats().inserts);

  // Evaluation reads (find) see the disk rows too, and move no value.
  std::vector<int64_t> ids;
  for (const auto& [id, row] : ram_rows) ids.push_back(id);
  ids.push_back(123456789);
  std::vector<int64_t> ram_found(ids.size()), split_found(ids.size());
  in_ram.find(ids, ram_found);
  split.find(ids, split_found);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    ASSERT_EQ(ram_found[i] == TableCore::kNoRow, split_found[i] == TableCore::kNoRow) << ids[i];
    if (ram_found[i] == TableCore::kNoRow) continue;
    EXPECT_EQ(std::memcmp(in_ram.rows().row_data(ram_found[i]), split.rows().row_data(split_found[i]),
                          in_ram.rows().layout().row_bytes()),
              0)
        << "id " << ids[i];
  }
}

TEST(TieredTable, TrainsBitForBitLikeTheTableAllInRamAtATenthOfItsRows) {
  expect_same_training(base_options(), 120);
}

TEST(TieredTable, LeastFrequentSpillingComputesTheSame) {
  TableOptions options = base_options();
  options.tier.spill = SpillPolicy::LeastFrequent;
  TempDir dir;
  TableCore in_ram(base_options());
  TableOptions split_options = tiered(options, 120, dir);
  split_options.tier.spill = SpillPolicy::LeastFrequent;
  TableCore split(split_options);
  EXPECT_TRUE(same_bits(train(in_ram, 40), train(split, 40, 120)));
  EXPECT_TRUE(snapshot(in_ram) == snapshot(split));
}

TEST(TieredTable, TtlEvictsRowsOnDiskAsItWouldInRam) {
  TableOptions options = base_options();
  options.eviction.ttl_steps = 6;
  expect_same_training(options, 120, 80);
}

TEST(TieredTable, AdmissionCountsOnlyIdsWithoutARowInEitherTier) {
  TableOptions options = base_options();
  options.admission.mode = AdmissionMode::CountThreshold;
  options.admission.threshold = 3;
  options.admission.filter_counters = 1 << 14;
  expect_same_training(options, 80);
}

TEST(TieredTable, CheckpointRowsWrittenToDiskReadBackAndReplaceEitherTier) {
  TempDir dir;
  TableCore table(tiered(base_options(), 50, dir));
  train(table, 30, 50);
  const Snapshot before = snapshot(table);
  ASSERT_GT(table.stats().disk_rows, 0u);
  // Overwrite one id that is in RAM and one on disk, add a new one: each ends in one tier.
  int64_t ram_id = 0, disk_id = 0;
  table.for_each_row([&](int64_t id, int64_t) { ram_id = id; });
  table.for_each_disk_id([&](int64_t id) { disk_id = id; });
  const std::size_t row_bytes = table.rows().layout().row_bytes();
  const std::vector<int64_t> ids = {ram_id, disk_id, 42};
  std::vector<std::byte> rows(ids.size() * row_bytes);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<std::byte>(i % 251);
  table.restore_to_disk(ids, rows.data());
  Snapshot after = snapshot(table);
  EXPECT_EQ(after.size(), before.size() + 1);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(std::memcmp(after.at(ids[i]).data(), rows.data() + i * row_bytes, row_bytes), 0);
    after.erase(ids[i]);
  }
  Snapshot untouched = before;
  untouched.erase(ram_id);
  untouched.erase(disk_id);
  EXPECT_TRUE(after == untouched);
}

TEST(TieredTable, ABudgetNeedsADiskPathAndExcludesMaxRows) {
  TableOptions no_path = base_options();
  no_path.tier.memory_rows = 10;
  EXPECT_THROW(TableCore{no_path}, ConfigError);
  TempDir dir;
  TableOptions capped = tiered(base_options(), 10, dir);
  capped.eviction.max_rows = 100;
  EXPECT_THROW(TableCore{capped}, ConfigError);
}

}  // namespace
}  // namespace recis::embedding

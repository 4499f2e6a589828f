#include "recis/embedding/core/table_core.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

#include "recis/common/error.h"
#include "recis/embedding/core/half_float.h"

namespace recis::embedding {
namespace {

TableOptions small_table(std::size_t shards = 1) {
  TableOptions options;
  options.table_id = 7;
  options.seed = 2024;
  options.dim = 4;
  options.initializer.kind = InitKind::Normal;
  options.initializer.stddev = 0.1;
  options.num_shards = shards;
  options.rows_per_block = 64;
  return options;
}

std::vector<int64_t> lookup(TableCore& table, std::vector<int64_t> ids, int64_t step,
                            std::vector<uint32_t> counts = {}) {
  std::vector<int64_t> rows(ids.size());
  table.lookup(ids, step, rows, counts);
  return rows;
}

std::vector<float> embedding(const TableCore& table, int64_t row) {
  std::vector<float> values(table.options().dim);
  table.rows().read_embedding(row, values);
  return values;
}

std::vector<float> initial(const TableCore& table, int64_t id) {
  std::vector<float> values(table.options().dim);
  table.initial_row(id, values);
  return values;
}

TEST(TableCore, NewRowsStartAtTheirPureInitialValueWithFreshMetadata) {
  TableCore table(small_table());
  const std::vector<int64_t> rows = lookup(table, {10, -20, 30}, 5, {2, 1, 4});
  EXPECT_EQ(embedding(table, rows[0]), initial(table, 10));
  EXPECT_EQ(embedding(table, rows[1]), initial(table, -20));
  EXPECT_NE(initial(table, 10), initial(table, 30));
  EXPECT_EQ(table.rows().meta(rows[0])->last_step, 5u);
  EXPECT_EQ(table.rows().meta(rows[2])->count, 4u);

  lookup(table, {10, 40}, 6);
  EXPECT_EQ(table.rows().meta(rows[0])->last_step, 6u);
  EXPECT_EQ(table.rows().meta(rows[0])->count, 3u);
  const TableStats stats = table.stats();
  EXPECT_EQ(stats.rows, 4u);
  EXPECT_EQ(stats.lookups, 5u);
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.inserts, 4u);
  EXPECT_DOUBLE_EQ(stats.hit_rate(), 0.2);
}

TEST(TableCore, InitialValuesIgnoreInsertionOrderShardsAndThreads) {
  std::vector<int64_t> ids(5000);
  std::iota(ids.begin(), ids.end(), -2500);
  TableCore forward(small_table(1));
  lookup(forward, ids, 1);

  TableCore reversed(small_table(16));
  std::vector<int64_t> backwards(ids.rbegin(), ids.rend());
  for (std::size_t begin = 0; begin < backwards.size(); begin += 333) {
    const std::size_t end = std::min(backwards.size(), begin + 333);
    lookup(reversed, {backwards.begin() + begin, backwards.begin() + end}, 1);
  }

  TableCore threaded(small_table(4));
  auto half = [&](std::size_t parity) {
    std::vector<int64_t> mine;
    for (std::size_t i = parity; i < ids.size(); i += 2) mine.push_back(ids[i]);
    for (std::size_t begin = 0; begin < mine.size(); begin += 100) {
      const std::size_t end = std::min(mine.size(), begin + 100);
      lookup(threaded, {mine.begin() + begin, mine.begin() + end}, 1);
    }
  };
  std::thread a(half, 0), b(half, 1);
  a.join();
  b.join();

  std::vector<int64_t> r1(ids.size()), r2(ids.size()), r3(ids.size());
  forward.find(ids, r1);
  reversed.find(ids, r2);
  threaded.find(ids, r3);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::vector<float> expected = embedding(forward, r1[i]);
    ASSERT_EQ(embedding(reversed, r2[i]), expected) << "id " << ids[i];
    ASSERT_EQ(embedding(threaded, r3[i]), expected) << "id " << ids[i];
  }
}

TEST(TableCore, ReadOnlyTablesInsertNothing) {
  TableOptions options = small_table();
  options.admission.mode = AdmissionMode::ReadOnly;
  TableCore table(options);
  EXPECT_EQ(lookup(table, {1, 2}, 0), (std::vector<int64_t>{TableCore::kNoRow, TableCore::kNoRow}));
  EXPECT_EQ(table.stats().rows, 0u);
  EXPECT_EQ(table.stats().not_admitted, 2u);

  // Rows restored from a checkpoint are found; unknown ids still read as kNoRow.
  std::vector<int64_t> restored(1);
  table.restore(std::vector<int64_t>{2}, std::vector<RowMeta>{{3, 9}}, restored);
  const std::vector<int64_t> rows = lookup(table, {1, 2}, 4);
  EXPECT_EQ(rows[0], TableCore::kNoRow);
  EXPECT_EQ(rows[1], restored[0]);
  EXPECT_EQ(table.rows().meta(rows[1])->last_step, 3u) << "read-only lookups touch nothing";
  EXPECT_EQ(table.stats().hits, 1u);
}

TEST(TableCore, CountThresholdAdmitsOnTheNthSighting) {
  TableOptions options = small_table();
  options.admission.mode = AdmissionMode::CountThreshold;
  options.admission.threshold = 3;
  options.admission.filter_counters = 1 << 16;
  TableCore table(options);

  EXPECT_EQ(lookup(table, {100}, 1)[0], TableCore::kNoRow);
  EXPECT_EQ(lookup(table, {100}, 2)[0], TableCore::kNoRow);
  const int64_t row = lookup(table, {100}, 3)[0];
  ASSERT_NE(row, TableCore::kNoRow);
  EXPECT_EQ(embedding(table, row), initial(table, 100));
  EXPECT_EQ(lookup(table, {100}, 4)[0], row);

  // Three sightings in one batch (the dedup counts) admit at once; two do not.
  const std::vector<int64_t> rows = lookup(table, {200, 300}, 5, {3, 2});
  EXPECT_NE(rows[0], TableCore::kNoRow);
  EXPECT_EQ(rows[1], TableCore::kNoRow);
  const TableStats stats = table.stats();
  EXPECT_EQ(stats.rows, 2u);
  EXPECT_EQ(stats.not_admitted, 3u);
  EXPECT_EQ(stats.hits, 1u);
}

TEST(TableCore, TtlEvictionFreesIdleRowsAndReinitializesReusedRows) {
  TableOptions options = small_table();
  options.eviction.ttl_steps = 2;
  TableCore table(options);
  const std::vector<int64_t> rows = lookup(table, {1, 2}, 0);
  // Train id 1's row away from its initial value.
  table.rows().write_embedding(rows[0], std::vector<float>{9, 9, 9, 9});
  lookup(table, {2}, 1);
  lookup(table, {2}, 2);

  const TableCore::Evicted first = table.evict(2);  // id 1 idle for 2 steps, id 2 for 0
  EXPECT_EQ(first.by_ttl, 1u);
  EXPECT_EQ(table.stats().rows, 1u);
  std::vector<int64_t> found(1);
  table.find(std::vector<int64_t>{1}, found);
  EXPECT_EQ(found[0], TableCore::kNoRow);

  // Within the step, the freed row is not handed out: a concurrent reader may still hold it.
  const int64_t row3 = lookup(table, {3}, 2)[0];
  EXPECT_NE(row3, rows[0]);
  EXPECT_EQ(table.evict(2).by_ttl, 0u);  // releases the row freed by the previous eviction
  const int64_t row1_again = lookup(table, {1}, 3)[0];
  EXPECT_EQ(row1_again, rows[0]) << "the freed row is reused";
  EXPECT_EQ(embedding(table, row1_again), initial(table, 1))
      << "a reused row starts again from the id's pure initial value";
  EXPECT_EQ(table.rows().meta(row1_again)->count, 1u);
  EXPECT_EQ(table.stats().evicted_by_ttl, 1u);
}

TEST(TableCore, CapacityCapEvictsLeastRecentlySeenFirst) {
  TableOptions options = small_table(4);
  options.eviction.max_rows = 3;
  TableCore table(options);
  for (int64_t id = 1; id <= 5; ++id) lookup(table, {id}, id * 10);
  lookup(table, {2}, 60);  // id 2 is now the most recent

  const TableCore::Evicted evicted = table.evict(60);
  EXPECT_EQ(evicted.by_capacity, 2u);
  std::vector<int64_t> rows(6);
  table.find(std::vector<int64_t>{1, 2, 3, 4, 5, 99}, rows);
  EXPECT_EQ(rows[0], TableCore::kNoRow);
  EXPECT_NE(rows[1], TableCore::kNoRow);
  EXPECT_EQ(rows[2], TableCore::kNoRow);
  EXPECT_NE(rows[3], TableCore::kNoRow);
  EXPECT_NE(rows[4], TableCore::kNoRow);

  EXPECT_EQ(table.stats().rows, 3u);

  // Rows last seen in the same step: exactly as many go as the cap needs.
  TableOptions tied_options = small_table(4);
  tied_options.eviction.max_rows = 2;
  TableCore tied(tied_options);
  lookup(tied, {1, 2, 3}, 1);
  EXPECT_EQ(tied.evict(1).by_capacity, 1u);
  EXPECT_EQ(tied.stats().rows, 2u);
  EXPECT_EQ(tied.stats().evicted_by_capacity, 1u);
}

TEST(TableCore, CapacityTiesEvictTheSmallestIdsWhateverTheInsertionOrder) {
  // A restored checkpoint re-inserts ids in another order; eviction must choose the same rows.
  TableOptions options = small_table(4);
  options.eviction.max_rows = 3;
  const std::vector<int64_t> ids = {40, 7, 91, 13, 58, 2};
  for (const bool reversed : {false, true}) {
    TableCore table(options);
    std::vector<int64_t> order = ids;
    if (reversed) std::reverse(order.begin(), order.end());
    for (const int64_t id : order) lookup(table, {id}, 5);
    EXPECT_EQ(table.evict(5).by_capacity, 3u);
    std::vector<int64_t> rows(ids.size());
    table.find(ids, rows);
    // Tied at step 5: ids 2, 7 and 13 go; 40, 58 and 91 stay.
    EXPECT_NE(rows[0], TableCore::kNoRow) << "reversed " << reversed;
    EXPECT_EQ(rows[1], TableCore::kNoRow) << "reversed " << reversed;
    EXPECT_NE(rows[2], TableCore::kNoRow) << "reversed " << reversed;
    EXPECT_EQ(rows[3], TableCore::kNoRow) << "reversed " << reversed;
    EXPECT_NE(rows[4], TableCore::kNoRow) << "reversed " << reversed;
    EXPECT_EQ(rows[5], TableCore::kNoRow) << "reversed " << reversed;
  }
}

TEST(TableCore, EraseFreesTheRowsOfPresentIdsOnly) {
  TableCore table(small_table());
  lookup(table, {1, 2, 3}, 1);
  EXPECT_EQ(table.erase(std::vector<int64_t>{2, 3, 4}), 2u);
  std::vector<int64_t> rows(3);
  table.find(std::vector<int64_t>{1, 2, 3}, rows);
  EXPECT_NE(rows[0], TableCore::kNoRow);
  EXPECT_EQ(rows[1], TableCore::kNoRow);
  EXPECT_EQ(rows[2], TableCore::kNoRow);
}

TEST(TableCore, CheckpointRowsRoundTripThroughForEachAndRestore) {
  TableOptions options = small_table(4);
  options.slots = {{"adam_m", 4}, {"adam_v", 4}};
  TableCore source(options);
  std::vector<int64_t> ids(300);
  std::iota(ids.begin(), ids.end(), 1000);
  const std::vector<int64_t> rows = lookup(source, ids, 8);
  const std::size_t m = source.rows().layout().slot_index("adam_m");
  const std::size_t v = source.rows().layout().slot_index("adam_v");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    source.rows().slot(rows[i], m)[1] = float(i);
    source.rows().slot(rows[i], v)[3] = -float(i);
  }

  struct Saved {
    std::vector<float> values, adam_m, adam_v;
    RowMeta meta;
  };
  std::map<int64_t, Saved> saved;
  source.for_each_row([&](int64_t id, int64_t row) {
    const float* am = source.rows().slot(row, m);
    const float* av = source.rows().slot(row, v);
    saved[id] = {embedding(source, row), {am, am + 4}, {av, av + 4}, *source.rows().meta(row)};
  });
  ASSERT_EQ(saved.size(), ids.size());

  TableCore target(options);
  std::vector<int64_t> saved_ids;
  std::vector<RowMeta> metas;
  for (const auto& [id, row] : saved) {
    saved_ids.push_back(id);
    metas.push_back(row.meta);
  }
  std::vector<int64_t> target_rows(saved_ids.size());
  target.restore(saved_ids, metas, target_rows);
  for (std::size_t i = 0; i < saved_ids.size(); ++i) {
    const Saved& row = saved.at(saved_ids[i]);
    EXPECT_EQ(target.rows().slot(target_rows[i], m)[1], 0.0f) << "restored rows start zeroed";
    target.rows().write_embedding(target_rows[i], row.values);
    std::copy(row.adam_m.begin(), row.adam_m.end(), target.rows().slot(target_rows[i], m));
    std::copy(row.adam_v.begin(), row.adam_v.end(), target.rows().slot(target_rows[i], v));
  }

  std::vector<int64_t> found(ids.size());
  target.find(ids, found);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    ASSERT_NE(found[i], TableCore::kNoRow);
    EXPECT_EQ(embedding(target, found[i]), embedding(source, rows[i]));
    EXPECT_EQ(target.rows().slot(found[i], m)[1], float(i));
    EXPECT_EQ(target.rows().slot(found[i], v)[3], -float(i));
    EXPECT_EQ(target.rows().meta(found[i])->last_step, 8u);
    EXPECT_EQ(target.rows().meta(found[i])->count, 1u);
  }
}

TEST(TableCore, HalfPrecisionTablesStoreRoundedInitialValues) {
  TableOptions options = small_table();
  options.element_type = ElementType::BF16;
  TableCore table(options);
  const int64_t row = lookup(table, {5}, 0)[0];
  std::vector<float> expected = initial(table, 5);
  for (float& value : expected) value = bf16_to_float(float_to_bf16(value));
  EXPECT_EQ(embedding(table, row), expected);
}

TEST(TableCore, MapAndMetadataCostAtMost32BytesPerRow) {
  TableOptions options = small_table(16);
  options.dim = 16;
  options.rows_per_block = 0;
  TableCore table(options);
  std::vector<int64_t> ids(1000);
  for (int64_t batch = 0; batch < 300; ++batch) {
    std::iota(ids.begin(), ids.end(), batch * 1000);
    lookup(table, ids, batch);
  }
  const TableStats stats = table.stats();
  EXPECT_EQ(stats.rows, 300000u);
  EXPECT_GT(stats.overhead_bytes_per_row, 8.0 + 8.0);  // ids and metadata at least
  EXPECT_LE(stats.overhead_bytes_per_row, 32.0);
}

TEST(TableCore, RejectsBadOptionsAndArguments) {
  TableOptions options = small_table();
  options.admission.mode = AdmissionMode::CountThreshold;
  options.admission.threshold = 0;
  EXPECT_THROW(TableCore{options}, ConfigError);
  options = small_table();
  options.eviction.ttl_steps = -1;
  EXPECT_THROW(TableCore{options}, ConfigError);
  TableCore table(small_table());
  std::vector<int64_t> ids = {1}, rows(1);
  EXPECT_THROW(table.lookup(ids, -1, rows), Error);
  EXPECT_THROW(table.lookup(ids, int64_t{1} << 32, rows), Error);
  std::vector<int64_t> too_few;
  EXPECT_THROW(table.lookup(ids, 0, too_few), Error);
}

// Two threads look up overlapping ids while a third evicts; every live row must hold its id's
// pure initial value (nothing trains here), whatever rows were freed and reused. Run under TSan.
TEST(TableCore, LookupsRunSafelyAlongsideEviction) {
  TableOptions options = small_table(8);
  options.eviction.ttl_steps = 1;
  TableCore table(options);
  std::atomic<int64_t> step{0};
  std::atomic<bool> done{false};
  auto looker = [&](int seed) {
    std::mt19937_64 rng(seed);
    for (int round = 0; round < 300; ++round) {
      std::vector<int64_t> ids(64);
      for (auto& id : ids) id = static_cast<int64_t>(rng() % 2000);
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      std::vector<int64_t> rows(ids.size());
      table.lookup(ids, step.load(), rows);
      for (int64_t row : rows) ASSERT_NE(row, TableCore::kNoRow);
    }
  };
  std::thread evictor([&] {
    while (!done.load()) {
      table.evict(step.fetch_add(1) + 1);
      std::this_thread::yield();
    }
  });
  std::thread a(looker, 1), b(looker, 2);
  a.join();
  b.join();
  done = true;
  evictor.join();

  std::size_t live = 0;
  table.for_each_row([&](int64_t id, int64_t row) {
    ++live;
    EXPECT_EQ(embedding(table, row), initial(table, id)) << "id " << id;
  });
  EXPECT_EQ(live, table.stats().rows);
}

}  // namespace
}  // namespace recis::embedding

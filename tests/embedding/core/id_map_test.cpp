#include "recis/embedding/core/id_map.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "recis/common/error.h"

namespace recis::embedding {
namespace {

std::vector<int64_t> unique_batch(std::mt19937_64& rng, std::size_t size, int64_t key_space) {
  std::uniform_int_distribution<int64_t> pick(-key_space, key_space);
  std::unordered_set<int64_t> seen;
  std::vector<int64_t> ids;
  while (ids.size() < size) {
    const int64_t id = pick(rng);
    if (seen.insert(id).second) ids.push_back(id);
  }
  return ids;
}

// Every live row must be distinct, and a row erased in one round may be handed out again.
void expect_rows_distinct(const std::unordered_map<int64_t, int64_t>& reference) {
  std::set<int64_t> rows;
  for (const auto& [id, row] : reference) EXPECT_TRUE(rows.insert(row).second) << "row " << row;
}

class IdMapAgainstUnorderedMap : public ::testing::TestWithParam<std::size_t> {};

TEST_P(IdMapAgainstUnorderedMap, RandomBatchesWithEraseAndReuse) {
  IdMap map(GetParam());
  std::unordered_map<int64_t, int64_t> reference;
  std::mt19937_64 rng(7 + GetParam());
  std::size_t reused_rows = 0;
  std::set<int64_t> freed_rows;

  for (int round = 0; round < 300; ++round) {
    const std::vector<int64_t> ids = unique_batch(rng, 1 + rng() % 2000, 20000);
    std::vector<int64_t> rows(ids.size());
    const int action = static_cast<int>(rng() % 3);
    if (action == 0) {
      map.find(ids, rows);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto it = reference.find(ids[i]);
        ASSERT_EQ(rows[i], it == reference.end() ? IdMap::kNoRow : it->second) << "id " << ids[i];
      }
    } else if (action == 1) {
      std::size_t expected_inserts = 0;
      for (int64_t id : ids) expected_inserts += !reference.contains(id);
      std::vector<std::size_t> hooked;
      const std::size_t inserted =
          map.find_or_insert(ids, rows, [&](std::size_t index, int64_t row) {
            hooked.push_back(index);
            EXPECT_EQ(row, rows[index]);
          });
      ASSERT_EQ(inserted, expected_inserts);
      ASSERT_EQ(hooked.size(), expected_inserts);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto [it, fresh] = reference.emplace(ids[i], rows[i]);
        if (fresh) {
          reused_rows += freed_rows.erase(rows[i]);
        } else {
          ASSERT_EQ(rows[i], it->second) << "row of id " << ids[i] << " moved";
        }
      }
    } else {
      std::size_t expected_erased = 0;
      for (int64_t id : ids) {
        const auto it = reference.find(id);
        if (it == reference.end()) continue;
        freed_rows.insert(it->second);
        reference.erase(it);
        ++expected_erased;
      }
      ASSERT_EQ(map.erase(ids), expected_erased);
    }
    ASSERT_EQ(map.size(), reference.size());
  }
  expect_rows_distinct(reference);
  EXPECT_GT(reused_rows, 1000u) << "erased rows must be handed out again";

  std::unordered_map<int64_t, int64_t> iterated;
  map.for_each([&](int64_t id, int64_t row) { iterated.emplace(id, row); });
  EXPECT_EQ(iterated, reference);
  for (const auto& [id, row] : reference) EXPECT_LT(row, map.row_bound());
}

INSTANTIATE_TEST_SUITE_P(Shards, IdMapAgainstUnorderedMap, ::testing::Values(1, 4, 16));

TEST(IdMap, RowsStayStableWhileTheTableGrowsFromEmptyToAMillion) {
  IdMap map(8);
  std::vector<int64_t> first(1000);
  for (int64_t i = 0; i < 1000; ++i) first[i] = i * 7919;
  std::vector<int64_t> first_rows(first.size());
  map.find_or_insert(first, first_rows);

  std::vector<int64_t> batch(10000), rows(batch.size());
  for (int64_t b = 0; b < 100; ++b) {
    for (int64_t i = 0; i < 10000; ++i) batch[i] = -(b * 10000 + i) - 1;
    map.find_or_insert(batch, rows);
  }
  std::vector<int64_t> again(first.size());
  map.find(first, again);
  EXPECT_EQ(again, first_rows);
  EXPECT_EQ(map.size(), 1'001'000u);
}

TEST(IdMap, ReservingAheadKeepsEntriesAndHandsOutTheSameRows) {
  std::vector<int64_t> ids(200'000);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>(i * 0x9E3779B97F4A7C15ULL);
  const std::span<const int64_t> before(ids.data(), 1000), after(ids.data() + 1000, ids.size() - 1000);
  IdMap grown(16), reserved(16);
  std::vector<int64_t> grown_rows(ids.size()), reserved_rows(ids.size());
  grown.find_or_insert(before, std::span(grown_rows).first(1000));
  reserved.find_or_insert(before, std::span(reserved_rows).first(1000));
  const std::size_t bytes_before = reserved.memory_bytes();
  reserved.reserve_more(after.size());
  EXPECT_GT(reserved.memory_bytes(), bytes_before + after.size() * 5);  // >= 5 B a slot, at once
  std::vector<int64_t> found(1000);
  reserved.find(before, found);
  EXPECT_EQ(found, std::vector<int64_t>(reserved_rows.begin(), reserved_rows.begin() + 1000));
  reserved.reserve_more(0);  // never shrinks
  grown.find_or_insert(after, std::span(grown_rows).subspan(1000));
  reserved.find_or_insert(after, std::span(reserved_rows).subspan(1000));
  EXPECT_EQ(reserved_rows, grown_rows);
  std::vector<int64_t> all(ids.size());
  reserved.find(ids, all);
  EXPECT_EQ(all, grown_rows);
  EXPECT_EQ(reserved.size(), ids.size());
}

TEST(IdMap, ExtremeIdsAndBytesPerEntry) {
  IdMap map(1);
  const std::vector<int64_t> ids = {INT64_MIN, INT64_MAX, 0, -1, 1};
  std::vector<int64_t> rows(ids.size());
  EXPECT_EQ(map.find_or_insert(ids, rows), 5u);
  std::vector<int64_t> found(ids.size());
  map.find(ids, found);
  EXPECT_EQ(found, rows);
  // One shard hands out dense rows from 0.
  std::vector<int64_t> sorted = rows;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<int64_t>{0, 1, 2, 3, 4}));
}

TEST(IdMap, EraseIfFreesRowsForReuse) {
  IdMap map(4);
  std::vector<int64_t> ids(1000), rows(1000);
  for (int64_t i = 0; i < 1000; ++i) ids[i] = i;
  map.find_or_insert(ids, rows);
  const std::size_t erased = map.erase_if([](int64_t id, int64_t) { return id % 2 == 0; });
  EXPECT_EQ(erased, 500u);
  EXPECT_EQ(map.size(), 500u);
  std::set<int64_t> freed;
  for (int64_t i = 0; i < 1000; i += 2) freed.insert(rows[i]);
  std::vector<int64_t> fresh(500), fresh_rows(500);
  for (int64_t i = 0; i < 500; ++i) fresh[i] = 5000 + i;
  map.find_or_insert(fresh, fresh_rows);
  std::size_t reused = 0;
  for (int64_t row : fresh_rows) reused += freed.count(row);
  // Ids land in shards by hash, so a shard may get more new ids than it freed rows.
  EXPECT_GT(reused, 400u);
  EXPECT_EQ(map.row_bound(), std::max(*std::max_element(rows.begin(), rows.end()),
                                      *std::max_element(fresh_rows.begin(), fresh_rows.end())) +
                                 1);
}

TEST(IdMap, RejectsBadShardCountsAndMismatchedSpans) {
  EXPECT_THROW(IdMap(0), ConfigError);
  EXPECT_THROW(IdMap(3), ConfigError);
  EXPECT_THROW(IdMap(2048), ConfigError);
  IdMap map(2);
  std::vector<int64_t> ids = {1, 2}, rows(1);
  EXPECT_THROW(map.find(ids, rows), Error);
  EXPECT_THROW(map.find_or_insert(ids, rows), Error);
}

// Two threads insert overlapping batches, look them up and erase part of them at the same time;
// afterwards every id must have exactly one row and rows must be distinct. Run under TSan too.
TEST(IdMap, TwoThreadsIssueBatchesConcurrently) {
  IdMap map(8);
  constexpr int kRounds = 200;
  std::vector<std::unordered_map<int64_t, int64_t>> seen(2);
  auto worker = [&](int thread) {
    std::mt19937_64 rng(100 + thread);
    for (int round = 0; round < kRounds; ++round) {
      const std::vector<int64_t> ids = unique_batch(rng, 500, 5000);
      std::vector<int64_t> rows(ids.size());
      map.find_or_insert(ids, rows);
      std::vector<int64_t> again(ids.size());
      map.find(ids, again);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        // Only thread 0 erases, and only ids above 4000; other rows must not move.
        if (ids[i] <= 4000) {
          ASSERT_EQ(again[i], rows[i]) << "id " << ids[i];
        }
      }
      if (thread == 0) {
        std::vector<int64_t> doomed;
        for (int64_t id : ids) {
          if (id > 4000) doomed.push_back(id);
        }
        map.erase(doomed);
      }
    }
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();

  std::unordered_map<int64_t, int64_t> final_rows;
  map.for_each([&](int64_t id, int64_t row) { final_rows.emplace(id, row); });
  EXPECT_EQ(final_rows.size(), map.size());
  expect_rows_distinct(final_rows);
  for (const auto& [id, row] : final_rows) EXPECT_LE(id, 5000);
}

}  // namespace
}  // namespace recis::embedding

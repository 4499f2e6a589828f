#include "recis/embedding/core/id_dedup.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>
#include <vector>

#include "recis/common/error.h"
#include "recis/embedding/core/child_id.h"

namespace recis::embedding {
namespace {

TEST(IdDedup, FirstOccurrenceOrderInverseAndCountsMatchAReference) {
  std::mt19937_64 rng(7);
  IdDedup dedup;
  for (int round = 0; round < 5; ++round) {
    std::vector<int64_t> ids(1000 + round * 3001);
    std::uniform_int_distribution<int64_t> pick(-50, 400);
    for (auto& id : ids) id = pick(rng) * 0x9E3779B97F4A7C15LL;
    std::vector<int64_t> inverse(ids.size());
    dedup.run(ids, inverse);

    std::vector<int64_t> expected_unique;
    std::unordered_map<int64_t, std::size_t> position;
    std::vector<uint32_t> expected_counts;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto [it, inserted] = position.emplace(ids[i], expected_unique.size());
      if (inserted) {
        expected_unique.push_back(ids[i]);
        expected_counts.push_back(0);
      }
      ++expected_counts[it->second];
      ASSERT_EQ(inverse[i], static_cast<int64_t>(it->second));
    }
    EXPECT_EQ(dedup.unique(), expected_unique);
    EXPECT_EQ(dedup.counts(), expected_counts);
  }
}

TEST(IdDedup, EmptyBatchAndMismatchedInverse) {
  IdDedup dedup;
  std::vector<int64_t> none;
  dedup.run(none, none);
  EXPECT_TRUE(dedup.unique().empty());
  std::vector<int64_t> ids{1, 2}, inverse(1);
  EXPECT_THROW(dedup.run(ids, inverse), Error);
}

TEST(ChildId, EncodesChildInTopBitsAndKeepsLow52) {
  EXPECT_EQ(encode_child_id(0, 42), 42);
  EXPECT_EQ(encode_child_id(3, 42), (int64_t{3} << 52) | 42);
  EXPECT_EQ(child_of(encode_child_id(4095, 7)), 4095);
  EXPECT_EQ(child_local_id(encode_child_id(5, 7)), 7);
  // Ids at or above 2^52 lose their top 12 bits: they share a row with the masked id.
  EXPECT_EQ(encode_child_id(1, (int64_t{1} << 52) + 9), encode_child_id(1, 9));
  EXPECT_EQ(child_local_id(encode_child_id(2, -1)), static_cast<int64_t>(kChildIdMask));
}

}  // namespace
}  // namespace recis::embedding

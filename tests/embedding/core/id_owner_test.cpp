#include "recis/embedding/core/id_owner.h"

#include <gtest/gtest.h>

#include <vector>

namespace recis::embedding {
namespace {

TEST(IdOwner, EachRankOwnsOneContiguousRangeOfSlices) {
  for (const int world : {1, 2, 3, 7, 64}) {
    int previous = 0;
    std::vector<int> slices_of_rank(static_cast<std::size_t>(world), 0);
    for (uint32_t slice = 0; slice < kIdSlices; ++slice) {
      const int owner = static_cast<int>((uint64_t{slice} * static_cast<uint64_t>(world)) / kIdSlices);
      ASSERT_GE(owner, previous) << "world " << world << " slice " << slice;
      ASSERT_LE(owner, previous + 1);
      previous = owner;
      ++slices_of_rank[static_cast<std::size_t>(owner)];
    }
    EXPECT_EQ(previous, world - 1);
    for (const int count : slices_of_rank) {
      EXPECT_LE(std::abs(count - static_cast<int>(kIdSlices) / world), 1) << "world " << world;
    }
  }
}

TEST(IdOwner, OwnerFollowsTheHashedIdsLowSixteenBits) {
  for (const int64_t id : {int64_t{0}, int64_t{1}, int64_t{123456789}, int64_t{-5}, INT64_MAX}) {
    const uint32_t slice = static_cast<uint32_t>(hash_id(id) & 0xFFFF);
    EXPECT_EQ(id_slice(id), slice);
    EXPECT_EQ(owner_of_id(id, 3), static_cast<int>(slice * 3ULL / 65536));
    EXPECT_EQ(owner_of_id(id, 1), 0);
  }
}

TEST(IdOwner, SmallAndStridedIdsSpreadEvenlyOverRanks) {
  // mod / bucketize outputs are small; hashed ids would otherwise all land on rank 0.
  for (const int64_t stride : {int64_t{1}, int64_t{1} << 16, int64_t{1000}}) {
    std::vector<int> per_rank(4, 0);
    for (int64_t i = 0; i < 40000; ++i) ++per_rank[static_cast<std::size_t>(owner_of_id(i * stride, 4))];
    for (const int count : per_rank) EXPECT_NEAR(count, 10000, 400) << "stride " << stride;
  }
}

}  // namespace
}  // namespace recis::embedding

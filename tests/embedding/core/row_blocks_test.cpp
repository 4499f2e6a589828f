#include "recis/embedding/core/row_blocks.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "recis/common/error.h"

namespace recis::embedding {
namespace {

TEST(RowLayout, PlacesMetaEmbeddingAndNamedSlots) {
  const RowLayout layout(6, ElementType::BF16, {{"adam_m", 6}, {"adam_v", 6}, {"step", 1}});
  EXPECT_EQ(layout.embedding_offset(), 8u);
  EXPECT_EQ(layout.embedding_bytes(), 12u);
  EXPECT_EQ(layout.slot_offset(0), 20u);  // 8 + 12, already 4-aligned
  EXPECT_EQ(layout.slot_offset(1), 44u);
  EXPECT_EQ(layout.slot_offset(2), 68u);
  EXPECT_EQ(layout.row_bytes(), 72u);
  EXPECT_EQ(layout.slot_index("adam_v"), 1u);
  EXPECT_THROW(layout.slot_index("momentum"), ConfigError);
  EXPECT_THROW(RowLayout(0, ElementType::F32), ConfigError);
  EXPECT_THROW(RowLayout(4, ElementType::F32, {{"m", 4}, {"m", 4}}), ConfigError);
  EXPECT_THROW(RowLayout(4, ElementType::F32, {{"m", 0}}), ConfigError);
  EXPECT_EQ(parse_element_type("bf16"), ElementType::BF16);
  EXPECT_THROW(parse_element_type("int8"), ConfigError);
}

TEST(RowBlocks, RowsNeverMoveWhileStorageGrows) {
  RowBlocks blocks(RowLayout(4, ElementType::F32, {{"m", 4}}), 64);
  blocks.ensure(0);
  std::byte* first = blocks.row_data(0);
  const std::vector<float> values = {1, 2, 3, 4};
  blocks.write_embedding(0, values);
  blocks.slot(0, 0)[3] = 7.5f;
  blocks.meta(0)->last_step = 11;

  for (int64_t row = 0; row < 100000; row += 37) blocks.ensure(row);
  EXPECT_EQ(blocks.row_data(0), first);
  std::vector<float> read(4);
  blocks.read_embedding(0, read);
  EXPECT_EQ(read, values);
  EXPECT_EQ(blocks.slot(0, 0)[3], 7.5f);
  EXPECT_EQ(blocks.meta(0)->last_step, 11u);
  EXPECT_EQ(blocks.allocated_blocks(), 99974u / 64 + 1);  // the last row ensured is 37 * 2702
  // New rows start zeroed; neighbouring rows do not overlap.
  EXPECT_EQ(blocks.meta(99974)->count, 0u);
  EXPECT_EQ(blocks.row_data(1) - blocks.row_data(0),
            static_cast<std::ptrdiff_t>(blocks.layout().row_bytes()));
}

TEST(RowBlocks, SparseRowsOnlyAllocateTheirBlocks) {
  RowBlocks blocks(RowLayout(8, ElementType::F32), 1024);
  EXPECT_FALSE(blocks.contains(5'000'000));
  blocks.ensure(5'000'000);
  EXPECT_TRUE(blocks.contains(5'000'000));
  EXPECT_FALSE(blocks.contains(0));
  EXPECT_EQ(blocks.allocated_blocks(), 1u);
  EXPECT_THROW(blocks.ensure(-1), Error);
  EXPECT_THROW(blocks.ensure(blocks.row_limit()), Error);
  EXPECT_THROW(RowBlocks(RowLayout(8, ElementType::F32), 1000), ConfigError);
}

TEST(RowBlocks, DefaultBlocksSpanAHugePage) {
  RowBlocks blocks(RowLayout(16, ElementType::F32));  // 72-byte rows
  EXPECT_EQ(blocks.rows_per_block(), 32768u);
}

TEST(RowBlocks, HalfStorageRoundsOnWriteAndWidensOnRead) {
  for (ElementType type : {ElementType::BF16, ElementType::F16}) {
    RowBlocks blocks(RowLayout(3, type), 16);
    blocks.ensure(2);
    blocks.write_embedding(2, std::vector<float>{0.5f, -1.25f, 1.0f + 0x1p-12f});
    std::vector<float> read(3);
    blocks.read_embedding(2, read);
    EXPECT_EQ(read, (std::vector<float>{0.5f, -1.25f, 1.0f})) << element_type_name(type);
  }
}

TEST(RowBlocks, ConcurrentEnsureAllocatesEachBlockOnce) {
  RowBlocks blocks(RowLayout(2, ElementType::F32), 16);
  auto work = [&](int64_t offset) {
    for (int64_t row = offset; row < 20000; row += 2) {
      blocks.ensure(row);
      blocks.meta(row)->count = static_cast<uint32_t>(row);
    }
  };
  std::thread a(work, 0), b(work, 1);
  a.join();
  b.join();
  EXPECT_EQ(blocks.allocated_blocks(), 20000u / 16);
  for (int64_t row = 0; row < 20000; ++row) ASSERT_EQ(blocks.meta(row)->count, uint32_t(row));
}

}  // namespace
}  // namespace recis::embedding

// RaggedTensor (construction checks, 2 and 3 levels, byte strings, weights), the row
// conversions, and Batch.
#include <gtest/gtest.h>

#include "recis/common/error.h"
#include "recis/ragged/batch.h"
#include "recis/ragged/ragged_rows.h"

namespace recis::ragged {
namespace {

torch::Tensor i64(std::vector<int64_t> data) { return torch::tensor(data, torch::kInt64); }

template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& error) {
    return error.what();
  }
  return "<no error>";
}

TEST(RaggedTensor, TwoLevels) {
  RaggedTensor ids(i64({7, 8, 9}), {i64({0, 2, 2, 3})});
  EXPECT_EQ(ids.batch_size(), 3);
  EXPECT_EQ(ids.num_levels(), 2);
  EXPECT_FALSE(ids.has_weights());
  EXPECT_FALSE(ids.is_byte_strings());
  EXPECT_EQ(ids.element_count(), 3);
  EXPECT_EQ(rows2_of(ids), (Rows2{{7, 8}, {}, {9}}));
}

TEST(RaggedTensor, ThreeLevels) {
  const Rows3 rows{{{1, 2}, {}, {3}}, {}, {{4}}};
  const RaggedTensor nested = ragged_from_nested_rows(rows);
  EXPECT_EQ(nested.num_levels(), 3);
  EXPECT_EQ(nested.batch_size(), 3);
  EXPECT_TRUE(torch::equal(nested.offsets()[0], i64({0, 3, 3, 4})));
  EXPECT_TRUE(torch::equal(nested.offsets()[1], i64({0, 2, 2, 3, 4})));
  EXPECT_EQ(rows3_of(nested), rows);
}

TEST(RaggedTensor, WeightsFollowValues) {
  const RaggedTensor weighted = ragged_from_rows({{1, 2}, {3}}, {{0.5f, 1.5f}, {2.0f}});
  ASSERT_TRUE(weighted.has_weights());
  EXPECT_EQ(weight_rows_of(weighted), (std::vector<std::vector<float>>{{0.5f, 1.5f}, {2.0f}}));
  const RaggedTensor renamed = weighted.with_values(i64({10, 20, 30}));
  EXPECT_EQ(rows2_of(renamed), (Rows2{{10, 20}, {30}}));
  EXPECT_TRUE(torch::equal(*renamed.weights(), *weighted.weights()));
  EXPECT_NE(error_of([&] { weighted.with_values(i64({1, 2})); }), "<no error>");
}

TEST(RaggedTensor, ByteStringsWeighOneEntryPerString) {
  const RaggedTensor strings = byte_strings_from_rows({{"ab", ""}, {"xyz"}});
  EXPECT_TRUE(strings.is_byte_strings());
  EXPECT_EQ(strings.values().numel(), 5);
  EXPECT_EQ(strings.element_count(), 3);
  EXPECT_TRUE(torch::equal(strings.offsets()[0], i64({0, 2, 3})));
  EXPECT_TRUE(torch::equal(strings.offsets()[1], i64({0, 2, 2, 5})));
  const auto weights = torch::tensor({1.0f, 2.0f, 3.0f});
  EXPECT_EQ(RaggedTensor(strings.values(), strings.offsets(), weights).element_count(), 3);
  EXPECT_NE(error_of([&] { RaggedTensor(strings.values(), strings.offsets(), torch::ones({5})); }),
            "<no error>");
}

TEST(RaggedTensor, RejectsBrokenInvariants) {
  EXPECT_NE(error_of([] { RaggedTensor(i64({1}), {}); }).find("at least one offsets"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              RaggedTensor(i64({1, 2}), {i64({1, 2})});
            }).find("starts at 1"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              RaggedTensor(i64({1, 2}), {i64({0, 2, 1, 2})});
            }).find("decreases"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              RaggedTensor(i64({1, 2}), {i64({0, 1})});
            }).find("ends at 1 but values has 2"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              RaggedTensor(i64({1, 2}), {i64({0, 1, 2}), i64({0, 2})});
            }).find("offsets[0] ends at 2 but offsets[1] has 1"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              RaggedTensor(i64({1}), {torch::tensor({0, 1}, torch::kInt32)});
            }).find("int64"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              RaggedTensor(torch::zeros({2, 2}), {i64({0, 2})});
            }).find("1-D"),
            std::string::npos);
  EXPECT_NE(error_of([] { RaggedTensor(i64({1}), {i64({})}); }).find("empty"), std::string::npos);
  EXPECT_NE(error_of([] {
              RaggedTensor(i64({1, 2}), {i64({0, 2})}, torch::ones({3}));
            }).find("3 weights for 2 values"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              RaggedTensor(i64({1}), {i64({0, 1})}, torch::ones({1}, torch::kFloat64));
            }).find("float32"),
            std::string::npos);
}

TEST(RaggedTensor, EmptyBatch) {
  const RaggedTensor empty(i64({}), {i64({0})});
  EXPECT_EQ(empty.batch_size(), 0);
  EXPECT_TRUE(rows2_of(empty).empty());
}

TEST(RaggedRows, FromDense) {
  const RaggedTensor column = ragged_from_dense(i64({4, 5, 6}));
  EXPECT_EQ(rows2_of(column), (Rows2{{4}, {5}, {6}}));
  const RaggedTensor matrix = ragged_from_dense(i64({1, 2, 3, 4, 5, 6}).reshape({3, 2}));
  EXPECT_EQ(rows2_of(matrix), (Rows2{{1, 2}, {3, 4}, {5, 6}}));
  EXPECT_NE(error_of([] { ragged_from_dense(torch::zeros({2, 2, 2})); }), "<no error>");
}

TEST(Batch, KeepsInsertionOrderAndReplacesInPlace) {
  Batch batch;
  batch.set("b", i64({1, 2}));
  batch.set("a", ragged_from_rows({{1}, {2, 3}}));
  batch.set("b", i64({7, 8}));
  EXPECT_EQ(batch.names(), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(batch.size(), 2u);
  EXPECT_TRUE(torch::equal(batch.dense("b"), i64({7, 8})));
  EXPECT_EQ(rows2_of(batch.ragged("a")), (Rows2{{1}, {2, 3}}));
  EXPECT_EQ(column_rows(batch.at("a")), 2);
  EXPECT_EQ(column_rows(batch.at("b")), 2);
}

TEST(Batch, ErrorsNameTheColumn) {
  Batch batch;
  batch.set("user_id", i64({1}));
  batch.set("tags", ragged_from_rows({{1}}));
  EXPECT_EQ(error_of([&] { batch.at("item_id"); }),
            "batch has no column 'item_id' (columns: user_id, tags)");
  EXPECT_NE(error_of([&] { batch.ragged("user_id"); }).find("'user_id' is a dense tensor"),
            std::string::npos);
  EXPECT_NE(error_of([&] { batch.dense("tags"); }).find("'tags' is a RaggedTensor"),
            std::string::npos);
  EXPECT_FALSE(batch.contains("item_id"));
}

}  // namespace
}  // namespace recis::ragged

// Each feature op against RecIS's golden values and a plain reference written here.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "feature/feature_test_util.h"
#include "recis/common/hash.h"

namespace recis::feature {
namespace {

using ragged::Batch;
using ragged::byte_strings_from_rows;
using ragged::ragged_from_nested_rows;
using ragged::ragged_from_rows;
using ragged::RaggedTensor;
using ragged::Rows2;
using ragged::rows2_of;
using ragged::Rows3;
using ragged::rows3_of;
using testing::as_ragged;
using testing::config_error_of;
using testing::int64s;
using testing::run_one;

Batch batch_of(const std::string& name, ragged::Column column) {
  Batch batch;
  batch.set(name, std::move(column));
  return batch;
}

int64_t cross_id(int64_t x, int64_t y) {
  unsigned char bytes[16];
  std::memcpy(bytes, &x, 8);
  std::memcpy(bytes + 8, &y, 8);
  return static_cast<int64_t>(murmur_hash64a(bytes, 16));
}

TEST(ModOp, RecisGoldenAndUnsignedReinterpretation) {
  const auto out = run_one(Feature("f").select("x").mod(1000),
                           batch_of("x", ragged_from_rows({{1001}, {1002}, {1003}})));
  EXPECT_EQ(rows2_of(as_ragged(out)), (Rows2{{1}, {2}, {3}}));
  // -1 is 2^64 - 1 as uint64: 18446744073709551615 % 1000 = 615.
  const auto negative = run_one(Feature("f").select("x").mod(1000),
                                batch_of("x", torch::tensor({int64_t(-1), int64_t(-1000)})));
  EXPECT_EQ(int64s(std::get<torch::Tensor>(negative)),
            (std::vector<int64_t>{615, static_cast<int64_t>(uint64_t(-1000) % 1000)}));
  const auto from_int32 = run_one(Feature("f").select("x").mod(7),
                                  batch_of("x", torch::tensor({10, 20}, torch::kInt32)));
  EXPECT_EQ(int64s(std::get<torch::Tensor>(from_int32)), (std::vector<int64_t>{3, 6}));
}

TEST(CrossOp, RecisGolden) {
  Batch batch;
  batch.set("x", ragged_from_rows({{1001}, {1002}, {1003}}));
  batch.set("y", ragged_from_rows({{1}, {2}, {3}}));
  const auto out = run_one(Feature("c").select_fields({"x", "y"}).cross(), batch);
  EXPECT_EQ(rows2_of(as_ragged(out)),
            (Rows2{{-7808879811642834040}, {-4967483181219983279}, {1752425377096056168}}));
  Batch small;
  small.set("x", ragged_from_rows({{1}, {2}, {3}}));
  small.set("y", ragged_from_rows({{1}, {2}, {3}}));
  const auto modded = run_one(Feature("c").select_fields({"x", "y"}).cross().mod(1000), small);
  EXPECT_EQ(rows2_of(as_ragged(modded)), (Rows2{{216}, {2}, {783}}));
}

TEST(CrossOp, DedupsSortsAndMultipliesWeights) {
  Batch batch;
  batch.set("x", ragged_from_rows({{5, 3, 5}, {}, {9}}, {{0.5f, 2.0f, 9.0f}, {}, {1.0f}}));
  batch.set("y", ragged_from_rows({{7, 7, 1}, {4}, {}}, {{3.0f, 4.0f, 0.25f}, {1.0f}, {}}));
  const auto out = as_ragged(run_one(Feature("c").select_fields({"x", "y"}).cross(), batch));
  // Row 0: x -> {3: 2.0, 5: 0.5}, y -> {1: 0.25, 7: 3.0}, x-major.
  EXPECT_EQ(rows2_of(out),
            (Rows2{{cross_id(3, 1), cross_id(3, 7), cross_id(5, 1), cross_id(5, 7)}, {}, {}}));
  EXPECT_EQ(ragged::weight_rows_of(out),
            (std::vector<std::vector<float>>{{0.5f, 6.0f, 0.125f, 1.5f}, {}, {}}));
}

TEST(CrossOp, DenseInputsAndUnweightedOutput) {
  Batch batch;
  batch.set("x", torch::tensor({int64_t(1), int64_t(2)}));
  batch.set("y", ragged_from_rows({{10, 11}, {12}}));
  const auto out = as_ragged(run_one(Feature("c").select_fields({"x", "y"}).cross(), batch));
  EXPECT_FALSE(out.has_weights());
  EXPECT_EQ(rows2_of(out), (Rows2{{cross_id(1, 10), cross_id(1, 11)}, {cross_id(2, 12)}}));
}

TEST(MultiHashOp, RecisGoldenAndPrimes) {
  EXPECT_EQ(largest_prime_at_most(29000), 28979);
  EXPECT_EQ(largest_prime_at_most(2), 2);
  const Feature feature = Feature("m").select("x").multi_hash({1000, 1000, 1000, 1000});
  Engine engine({feature}, 2);
  const Batch out = engine.run(batch_of("x", ragged_from_rows({{1001, 1002, 1003}})));
  const std::vector<Rows2> expected{{{1, 2, 3}}, {{3, 6, 9}}, {{5, 10, 15}}, {{7, 14, 21}}};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(rows2_of(out.ragged("m_multi_hash_" + std::to_string(i))), expected[i]) << i;
  }
}

TEST(MultiHashOp, MatchesFormulaOnRandomIds) {
  std::mt19937_64 rng(3);
  std::vector<int64_t> ids(500);
  for (auto& id : ids) id = static_cast<int64_t>(rng());
  const Feature feature = Feature("m").select("x").multi_hash({97, 20000});
  const MultiHashOp& op = std::get<MultiHashOp>(feature.ops()[1]);
  Engine engine({feature}, 3);
  const Batch out = engine.run(batch_of("x", torch::tensor(ids)));
  for (int h = 0; h < 2; ++h) {
    const auto got = int64s(out.dense("m_multi_hash_" + std::to_string(h)));
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const auto product = static_cast<int64_t>(uint64_t(ids[i]) * uint64_t(2 * h + 1));
      const int64_t p = op.primes[h];
      ASSERT_EQ(got[i], ((product % p) + p) % p % op.num_buckets[h]) << i;
      ASSERT_GE(got[i], 0);
    }
  }
}

TEST(HashOp, FarmAndMurmurPerString) {
  const auto strings = byte_strings_from_rows({{"apple", ""}, {}, {"pear"}});
  const auto farm =
      as_ragged(run_one(Feature("h").select("s").hash("farm"), batch_of("s", strings)));
  EXPECT_EQ(farm.num_levels(), 2);
  EXPECT_EQ(rows2_of(farm),
            (Rows2{{int64_t(farm_fingerprint64("apple")), int64_t(farm_fingerprint64(""))},
                   {},
                   {int64_t(farm_fingerprint64("pear"))}}));
  const auto murmur =
      as_ragged(run_one(Feature("h").select("s").hash("murmur"), batch_of("s", strings)));
  EXPECT_EQ(rows2_of(murmur)[2], (std::vector<int64_t>{int64_t(murmur_hash64a("pear"))}));
  // One string per row (a single offsets level): one id per row.
  const RaggedTensor single(strings.values(), {strings.offsets()[1]});
  const auto per_row =
      as_ragged(run_one(Feature("h").select("s").hash("farm"), batch_of("s", single)));
  EXPECT_EQ(rows2_of(per_row)[0], (std::vector<int64_t>{int64_t(farm_fingerprint64("apple"))}));
}

TEST(BucketizeOp, CountsBoundariesAtOrBelow) {
  const auto out = run_one(
      Feature("b").select("age").bucketize({18, 25, 35, 45, 55, 65}),
      batch_of("age", torch::tensor({20.f, 30.f, 40.f, 50.f, 60.f, 18.f, 10.f, 65.f, 100.f})));
  EXPECT_EQ(int64s(std::get<torch::Tensor>(out)),
            (std::vector<int64_t>{1, 2, 3, 4, 5, 1, 0, 6, 6}));
  const auto ints = run_one(Feature("b").select("n").bucketize({0, 10}),
                            batch_of("n", ragged_from_rows({{-1, 0, 9, 10, 11}})));
  EXPECT_EQ(rows2_of(as_ragged(ints)), (Rows2{{0, 1, 1, 2, 2}}));
}

TEST(TruncateOp, TwoLevelsLeftKeepsTheLast) {
  const auto input =
      ragged_from_rows({{1, 2, 3, 4}, {5}, {}, {6, 7, 8}}, {{1, 2, 3, 4}, {5}, {}, {6, 7, 8}});
  const auto left =
      as_ragged(run_one(Feature("t").select("s").truncate(2, "left"), batch_of("s", input)));
  EXPECT_EQ(rows2_of(left), (Rows2{{3, 4}, {5}, {}, {7, 8}}));
  EXPECT_EQ(ragged::weight_rows_of(left),
            (std::vector<std::vector<float>>{{3, 4}, {5}, {}, {7, 8}}));
  const auto right =
      as_ragged(run_one(Feature("t").select("s").truncate(2, "right"), batch_of("s", input)));
  EXPECT_EQ(rows2_of(right), (Rows2{{1, 2}, {5}, {}, {6, 7}}));
}

TEST(TruncateOp, ThreeLevelsPadToSeqLenEmptyLists) {
  const Rows3 rows{{{1, 2}, {3}, {4, 5, 6}}, {{7}}, {}};
  const auto left = as_ragged(run_one(Feature("t").select("s").truncate(2, "left", false, 3),
                                      batch_of("s", ragged_from_nested_rows(rows))));
  EXPECT_EQ(rows3_of(left), (Rows3{{{3}, {4, 5, 6}}, {{7}, {}}, {{}, {}}}));
  const auto right = as_ragged(run_one(Feature("t").select("s").truncate(2, "right", false, 3),
                                       batch_of("s", ragged_from_nested_rows(rows))));
  EXPECT_EQ(rows3_of(right), (Rows3{{{1, 2}, {3}}, {{7}, {}}, {{}, {}}}));
}

TEST(TruncateOp, CheckLengthRejectsLongRows) {
  const auto message = config_error_of([] {
    run_one(Feature("t").select("s").truncate(2, "left", true),
            batch_of("s", ragged_from_rows({{1}, {1, 2, 3}})));
  });
  EXPECT_NE(message.find("feature 't' op truncate: row 1 has 3 entries"), std::string::npos)
      << message;
}

TEST(NumericOps, Log1pNormalizeFillClip) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto x = torch::tensor({0.f, 1.f, nan, 9.f});
  const auto filled =
      std::get<torch::Tensor>(run_one(Feature("n").select("x").fill_missing(-1), batch_of("x", x)));
  EXPECT_TRUE(torch::equal(filled, torch::tensor({0.f, 1.f, -1.f, 9.f})));
  const auto logged = std::get<torch::Tensor>(
      run_one(Feature("n").select("x").fill_missing(0).log1p(), batch_of("x", x)));
  EXPECT_TRUE(torch::allclose(logged, torch::log1p(torch::tensor({0.f, 1.f, 0.f, 9.f}))));
  const auto normalized = std::get<torch::Tensor>(
      run_one(Feature("n").select("x").normalize(1, 2), batch_of("x", torch::tensor({1.0, 5.0}))));
  EXPECT_TRUE(torch::equal(normalized, torch::tensor({0.0, 2.0})));
  const auto counts = std::get<torch::Tensor>(run_one(
      Feature("n").select("x").log1p(), batch_of("x", torch::tensor({int64_t(0), int64_t(3)}))));
  EXPECT_EQ(counts.scalar_type(), torch::kFloat32);
  EXPECT_FLOAT_EQ(counts[1].item<float>(), std::log1p(3.0f));
  const auto clipped = std::get<torch::Tensor>(
      run_one(Feature("n").select("x").clip(0.5, 7.5),
              batch_of("x", torch::tensor({int64_t(-4), int64_t(3), int64_t(10)}))));
  EXPECT_TRUE(torch::equal(clipped, torch::tensor({int64_t(1), int64_t(3), int64_t(7)})));
  const auto clipped_f =
      std::get<torch::Tensor>(run_one(Feature("n").select("x").clip(0, 5), batch_of("x", x)));
  EXPECT_TRUE(torch::equal(torch::nan_to_num(clipped_f, -7), torch::tensor({0.f, 1.f, -7.f, 5.f})));
}

TEST(NumericOps, KeepTheShapeOfDenseColumns) {
  const auto x = torch::arange(6, torch::kFloat32).reshape({3, 2});
  const auto out =
      std::get<torch::Tensor>(run_one(Feature("n").select("x").normalize(0, 2), batch_of("x", x)));
  EXPECT_TRUE(torch::equal(out, x / 2));
}

}  // namespace
}  // namespace recis::feature

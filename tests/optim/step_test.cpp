// SparseOptimizer::step's contract: malformed gradients are rejected before any row changes,
// threads do not change results, bf16 rows are updated through fp32 and rounded back, and the
// global step counter counts every step.
#include <gtest/gtest.h>

#include <numeric>

#include "optim/optim_test_table.h"
#include "recis/common/error.h"
#include "recis/embedding/core/half_float.h"
#include "recis/optim/adagrad.h"
#include "recis/optim/adam.h"
#include "recis/optim/ftrl.h"
#include "recis/optim/sgd.h"

namespace recis::optim {
namespace {

SparseOptimizerOptions base(std::size_t threads = 1, GradReduce by = GradReduce::Worker) {
  SparseOptimizerOptions options;
  options.lr = 0.1;
  options.threads = threads;
  options.reduction.by = by;
  return options;
}

std::string step_error(SparseOptimizer& optimizer, const embedding::SparseGrad& grad) {
  try {
    optimizer.step({&grad, 1});
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

TEST(SparseOptimizerStep, RejectsMalformedGradientsBeforeChangingRows) {
  Adam adam(base(1, GradReduce::Id));
  testing::TestTable table(adam, torch::ones({4, 3}));
  const auto good = table.grad({0, 1}, torch::ones({2, 3}));

  auto wrong_dim = good;
  wrong_dim.values = torch::ones({2, 4});
  auto wrong_dtype = good;
  wrong_dtype.values = torch::ones({2, 3}, torch::kFloat64);
  auto bad_row = good;
  bad_row.rows = torch::tensor({0, 1 << 20}, torch::kInt64);
  auto negative_row = good;
  negative_row.rows = torch::tensor({-1, 0}, torch::kInt64);
  auto no_counts = good;
  no_counts.counts = torch::Tensor();
  auto zero_count = good;
  zero_count.counts = torch::tensor({1, 0}, torch::kInt64);
  auto no_table = good;
  no_table.table = nullptr;

  EXPECT_NE(step_error(adam, wrong_dim).find("[2, 3]"), std::string::npos);
  EXPECT_NE(step_error(adam, wrong_dtype).find("float32"), std::string::npos);
  EXPECT_NE(step_error(adam, bad_row).find("row 1048576"), std::string::npos);
  EXPECT_NE(step_error(adam, negative_row).find("row -1"), std::string::npos);
  EXPECT_NE(step_error(adam, no_counts).find("counts"), std::string::npos);
  EXPECT_NE(step_error(adam, zero_count).find("count 0"), std::string::npos);
  EXPECT_NE(step_error(adam, no_table).find("no table"), std::string::npos);
  // A good gradient followed by a bad one: nothing is applied.
  const std::vector<embedding::SparseGrad> mixed = {good, wrong_dim};
  EXPECT_THROW(adam.step(mixed), Error);
  EXPECT_TRUE(torch::equal(table.embeddings(), torch::ones({4, 3})));
  EXPECT_EQ(adam.step_count(), 0);
}

TEST(SparseOptimizerStep, RejectsATableWithoutTheOptimizersSlots) {
  Sgd sgd(base());
  Adagrad adagrad(base());
  testing::TestTable sgd_table(sgd, torch::ones({2, 3}));
  const std::string error = step_error(adagrad, sgd_table.grad({0}, torch::ones({1, 3})));
  EXPECT_NE(error.find("not created with this optimizer's slots"), std::string::npos) << error;
  EXPECT_NE(error.find("adagrad_sum"), std::string::npos) << error;
}

TEST(SparseOptimizerStep, CountsEveryStepIncludingEmptyOnes) {
  Adam adam(base());
  adam.step({});
  adam.step({});
  EXPECT_EQ(adam.step_count(), 2);
}

TEST(SparseOptimizerStep, ThreadsDoNotChangeResults) {
  torch::manual_seed(9);
  const int64_t ids = 20000;
  const int64_t dim = 8;  // 4096-row grain: the rows split over all three threads
  const torch::Tensor initial = torch::randn({ids, dim});
  std::vector<int64_t> all(ids);
  std::iota(all.begin(), all.end(), 0);
  const torch::Tensor values = torch::randn({ids, dim});
  for (const auto make : {+[](std::size_t t) -> std::unique_ptr<SparseOptimizer> {
                            return std::make_unique<Adam>(base(t));
                          },
                          +[](std::size_t t) -> std::unique_ptr<SparseOptimizer> {
                            return std::make_unique<Ftrl>(base(t));
                          }}) {
    auto one = make(1);
    auto three = make(3);
    testing::TestTable a(*one, initial);
    testing::TestTable b(*three, initial);
    for (int step = 0; step < 2; ++step) {
      const auto ga = a.grad(all, values);
      const auto gb = b.grad(all, values);
      one->step({&ga, 1});
      three->step({&gb, 1});
    }
    EXPECT_TRUE(torch::equal(a.embeddings(), b.embeddings())) << one->name();
  }
}

float round_bf16(float value) { return embedding::bf16_to_float(embedding::float_to_bf16(value)); }

// A bf16 row is read as fp32, updated, and rounded to nearest even when written back: the same
// as updating an fp32 row holding the bf16 value and rounding the result. Slots stay fp32.
TEST(SparseOptimizerStep, UpdatesBf16RowsThroughFp32) {
  torch::manual_seed(4);
  const torch::Tensor initial = torch::randn({5, 6}).to(torch::kBFloat16).to(torch::kFloat32);
  Adam bf16_adam(base());
  Adam fp32_adam(base());
  testing::TestTable bf16(bf16_adam, initial, embedding::ElementType::BF16);
  testing::TestTable fp32(fp32_adam, initial);
  for (int step = 0; step < 3; ++step) {
    const torch::Tensor values = torch::randn({3, 6});
    const auto a = bf16.grad({0, 2, 4}, values);
    const auto b = fp32.grad({0, 2, 4}, values);
    bf16_adam.step({&a, 1});
    fp32_adam.step({&b, 1});
    // Round the fp32 table's rows as bf16 storage does.
    for (int64_t id = 0; id < 5; ++id) {
      std::vector<float> row(6);
      fp32.core().rows().read_embedding(fp32.row(id), row);
      for (float& x : row) x = round_bf16(x);
      fp32.core().rows().write_embedding(fp32.row(id), row);
    }
    EXPECT_TRUE(torch::equal(bf16.embeddings(), fp32.embeddings())) << "step " << step + 1;
    EXPECT_EQ(bf16.slot(2, "adam_v"), fp32.slot(2, "adam_v"));
  }
  EXPECT_FALSE(torch::equal(bf16.embeddings(), initial));
}

}  // namespace
}  // namespace recis::optim

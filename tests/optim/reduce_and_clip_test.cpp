// GradReduction (worker: / world size, id: / occurrence count) as applied by the optimizers, and
// clip_grad_global_norm over sparse and dense gradients against hand computations.
#include <gtest/gtest.h>

#include <cmath>

#include "optim/optim_test_table.h"
#include "recis/common/error.h"
#include "recis/optim/adam.h"
#include "recis/optim/clip_grad.h"
#include "recis/optim/sgd.h"

namespace recis::optim {
namespace {

SparseOptimizerOptions options_with(GradReduce by, int64_t world_size, double lr = 1.0) {
  SparseOptimizerOptions options;
  options.lr = lr;
  options.reduction = {by, world_size};
  options.threads = 1;
  return options;
}

TEST(GradReduce, WorkerDividesByWorldSize) {
  Sgd sgd(options_with(GradReduce::Worker, 4));
  testing::TestTable table(sgd, torch::zeros({2, 3}));
  const auto grad = table.grad({1}, torch::tensor({{4.f, 8.f, -2.f}}));
  sgd.step({&grad, 1});
  EXPECT_TRUE(
      torch::equal(table.embeddings(), torch::tensor({{0.f, 0.f, 0.f}, {-1.f, -2.f, 0.5f}})));
}

TEST(GradReduce, IdDividesByOccurrences) {
  Sgd sgd(options_with(GradReduce::Id, 8));  // world size plays no part
  testing::TestTable table(sgd, torch::zeros({3, 2}));
  const auto grad =
      table.grad({0, 1, 2}, torch::tensor({{3.f, 6.f}, {4.f, -4.f}, {8.f, 1.f}}), {1, 2, 4});
  sgd.step({&grad, 1});
  EXPECT_TRUE(
      torch::equal(table.embeddings(), torch::tensor({{-3.f, -6.f}, {-2.f, 2.f}, {-2.f, -0.25f}})));
}

TEST(GradReduce, AdamWithIdReductionEqualsAdamOnTheMeans) {
  torch::manual_seed(3);
  const torch::Tensor initial = torch::randn({4, 5});
  const torch::Tensor sums = torch::randn({3, 5});
  const std::vector<int64_t> counts = {2, 1, 4};
  Adam reduced(options_with(GradReduce::Id, 1, 0.01));
  Adam plain(options_with(GradReduce::Worker, 1, 0.01));
  testing::TestTable reduced_table(reduced, initial);
  testing::TestTable plain_table(plain, initial);
  const torch::Tensor means = sums / torch::tensor({2.f, 1.f, 4.f}).unsqueeze(1);
  for (int step = 0; step < 3; ++step) {
    const auto a = reduced_table.grad({0, 2, 3}, sums, counts);
    const auto b = plain_table.grad({0, 2, 3}, means);
    reduced.step({&a, 1});
    plain.step({&b, 1});
  }
  EXPECT_TRUE(torch::equal(reduced_table.embeddings(), plain_table.embeddings()));
}

// Accumulating micro-batches is the embedding engine's job (summing values and counts by id);
// given that sum, one step equals the step on the union batch.
TEST(GradReduce, AccumulatedMicroBatchesEqualTheUnionBatch) {
  Sgd accumulated(options_with(GradReduce::Id, 1, 0.5));
  Sgd union_batch(options_with(GradReduce::Id, 1, 0.5));
  testing::TestTable a(accumulated, torch::ones({3, 2}));
  testing::TestTable b(union_batch, torch::ones({3, 2}));
  // Micro-batch 1: id 1 twice (g 1 and 3), id 2 once (g 2). Micro-batch 2: id 1 once (g 8).
  const torch::Tensor micro1 = torch::tensor({{4.f, 4.f}, {2.f, 2.f}});
  const torch::Tensor micro2 = torch::tensor({{8.f, 8.f}});
  const auto summed = a.grad({1, 2}, micro1 + torch::stack({micro2[0], torch::zeros({2})}), {3, 1});
  accumulated.step({&summed, 1});
  const auto whole = b.grad({1, 2}, torch::tensor({{12.f, 12.f}, {2.f, 2.f}}), {3, 1});
  union_batch.step({&whole, 1});
  EXPECT_TRUE(torch::equal(a.embeddings(), b.embeddings()));
  EXPECT_TRUE(torch::equal(a.embeddings(), torch::tensor({{1.f, 1.f}, {-1.f, -1.f}, {0.f, 0.f}})));
}

TEST(ClipGradGlobalNorm, ScalesSparseAndDenseByOneFactor) {
  Sgd sgd(options_with(GradReduce::Worker, 1));
  testing::TestTable table(sgd, torch::zeros({3, 2}));
  std::vector<embedding::SparseGrad> sparse = {
      table.grad({0, 2}, torch::tensor({{3.f, 0.f}, {0.f, 4.f}}))};
  torch::Tensor dense = torch::zeros({2}, torch::requires_grad());
  dense.mutable_grad() = torch::tensor({12.f, 0.f});
  torch::Tensor no_grad = torch::zeros({3}, torch::requires_grad());
  // sqrt(9 + 16 + 144) = 13
  const double total = clip_grad_global_norm(sparse, {dense, no_grad}, 6.5);
  EXPECT_NEAR(total, 13.0, 1e-9);
  const double coefficient = 6.5 / (13.0 + 1e-6);
  EXPECT_TRUE(torch::allclose(sparse[0].values,
                              torch::tensor({{3.f, 0.f}, {0.f, 4.f}}) * coefficient, 0, 1e-6));
  EXPECT_TRUE(torch::allclose(dense.grad(), torch::tensor({12.f, 0.f}) * coefficient, 0, 1e-6));
  EXPECT_FALSE(no_grad.grad().defined());
}

TEST(ClipGradGlobalNorm, LeavesSmallGradientsAlone) {
  Sgd sgd(options_with(GradReduce::Worker, 1));
  testing::TestTable table(sgd, torch::zeros({1, 2}));
  std::vector<embedding::SparseGrad> sparse = {table.grad({0}, torch::tensor({{0.3f, 0.4f}}))};
  EXPECT_NEAR(clip_grad_global_norm(sparse, {}, 1.0), 0.5, 1e-7);
  EXPECT_TRUE(torch::equal(sparse[0].values, torch::tensor({{0.3f, 0.4f}})));
}

TEST(ClipGradGlobalNorm, MeasuresTheReducedGradient) {
  Sgd sgd(options_with(GradReduce::Id, 1));
  testing::TestTable table(sgd, torch::zeros({2, 2}));
  std::vector<embedding::SparseGrad> sparse = {
      table.grad({0, 1}, torch::tensor({{6.f, 8.f}, {0.f, 4.f}}), {2, 1})};
  // Reduced rows: (3, 4) and (0, 4): norm sqrt(9 + 16 + 16) = sqrt(41).
  EXPECT_NEAR(clip_grad_global_norm(sparse, {}, 100.0, sgd.grad_reduction()), std::sqrt(41.0),
              1e-9);
  std::vector<embedding::SparseGrad> worker = {table.grad({0}, torch::tensor({{6.f, 8.f}}))};
  EXPECT_NEAR(clip_grad_global_norm(worker, {}, 100.0, {GradReduce::Worker, 2}), 5.0, 1e-9);
}

TEST(ClipGradGlobalNorm, RejectsABadMaxNorm) {
  EXPECT_THROW(clip_grad_global_norm({}, {}, 0.0), ConfigError);
  EXPECT_THROW(clip_grad_global_norm({}, {}, std::nan("")), ConfigError);
}

}  // namespace
}  // namespace recis::optim

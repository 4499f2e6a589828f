// bag_sum against torch::embedding_bag (sum mode, per-sample weights): forward values and the
// rows' gradient, at a dim that is not a multiple of four (vector lanes plus a scalar tail), with
// empty bags and rows read several times; and the gradient bit-identical whatever the thread count.
#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "recis/embedding/bag_sum.h"

namespace recis::embedding {
namespace {

struct Case {
  torch::Tensor rows, positions, offsets, weights;
};

Case make_case(int64_t rows, int64_t dim, int64_t bags, uint64_t seed) {
  torch::manual_seed(seed);
  Case c;
  c.rows = torch::randn({rows, dim});
  torch::Tensor sizes = torch::randint(0, 5, {bags}, torch::kInt64);
  sizes[1] = 0;  // an empty bag
  c.offsets = torch::cat({torch::zeros({1}, torch::kInt64), sizes.cumsum(0)});
  const int64_t entries = c.offsets[-1].item<int64_t>();
  c.positions = torch::randint(0, rows, {entries}, torch::kInt64);
  c.weights = torch::rand({entries}) + 0.5;
  return c;
}

TEST(BagSum, MatchesEmbeddingBagForwardAndBackward) {
  for (const bool weighted : {false, true}) {
    const Case c = make_case(/*rows=*/50, /*dim=*/7, /*bags=*/300, 3);
    const std::optional<torch::Tensor> weights =
        weighted ? std::optional<torch::Tensor>(c.weights) : std::nullopt;
    const torch::Tensor ours_rows = c.rows.clone().requires_grad_(true);
    const torch::Tensor ours = bag_sum(ours_rows, c.positions, c.offsets, weights);
    const torch::Tensor reference_rows = c.rows.clone().requires_grad_(true);
    const torch::Tensor reference = std::get<0>(torch::embedding_bag(
        reference_rows, c.positions, c.offsets.slice(0, 0, -1), false, /*mode=sum*/ 0, false,
        weighted ? c.weights : torch::Tensor(), false));
    ASSERT_EQ(ours.sizes(), reference.sizes());
    EXPECT_TRUE(torch::allclose(ours, reference, 1e-5, 1e-6)) << "weighted " << weighted;
    EXPECT_TRUE(torch::equal(ours[1], torch::zeros({7}))) << "an empty bag sums to zero";

    const torch::Tensor upstream = torch::randn(reference.sizes());
    (ours * upstream).sum().backward();
    (reference * upstream).sum().backward();
    EXPECT_TRUE(torch::allclose(ours_rows.grad(), reference_rows.grad(), 1e-5, 1e-5))
        << "weighted " << weighted;
  }
}

TEST(BagSum, GradientDoesNotDependOnTheThreadCount) {
  const Case c = make_case(/*rows=*/9000, /*dim=*/16, /*bags=*/20000, 5);
  const torch::Tensor upstream = torch::randn({20000, 16});
  auto gradient = [&](int threads) {
    at::set_num_threads(threads);
    const torch::Tensor rows = c.rows.clone().requires_grad_(true);
    (bag_sum(rows, c.positions, c.offsets, c.weights) * upstream).sum().backward();
    return rows.grad();
  };
  const int before = at::get_num_threads();
  const torch::Tensor one = gradient(1);
  const torch::Tensor three = gradient(3);
  at::set_num_threads(before);
  EXPECT_TRUE(torch::equal(one, three));
  EXPECT_GT(one.abs().sum().item<double>(), 0.0);
}

}  // namespace
}  // namespace recis::embedding

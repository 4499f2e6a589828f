// bag_sum against torch::embedding_bag (sum mode, per-sample weights): forward values and the
// rows' gradient, at a dim that is not a multiple of four (vector lanes plus a scalar tail), with
// empty bags and rows read several times; the gradient bit-identical whatever the thread count;
// and the fused gather (rows read from a table's storage) equal to pooling a gathered copy.
#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "recis/embedding/bag_sum.h"
#include "recis/embedding/core/table_core.h"

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

TEST(BagSum, ReadingRowsFromTheTableEqualsPoolingAGatheredCopy) {
  const int64_t dim = 6;
  const Case c = make_case(/*rows=*/40, dim, /*bags=*/500, 9);
  RowBlocks blocks(RowLayout(dim, ElementType::F32, {{"adam_m", 6}}));
  // Unique row i lives at table row 3 * i + 1 (scattered, slots between them); row 5 has none.
  std::vector<int64_t> numbers;
  for (int64_t i = 0; i < 40; ++i) {
    const int64_t row = i == 5 ? TableCore::kNoRow : 3 * i + 1;
    numbers.push_back(row);
    if (row == TableCore::kNoRow) continue;
    blocks.ensure(row);
    const torch::Tensor values = c.rows[i].contiguous();
    blocks.write_embedding(row, std::span<const float>(values.data_ptr<float>(), dim));
  }
  const torch::Tensor gathered = c.rows.clone();
  gathered[5].zero_();  // what the table's gather reads for a row it does not have

  const torch::Tensor copy_rows = gathered.clone().requires_grad_(true);
  const torch::Tensor from_copy = bag_sum(copy_rows, c.positions, c.offsets, c.weights);
  const TableRows table{&blocks, numbers};
  const torch::Tensor leaf = torch::empty({40, dim}).requires_grad_(true);
  const torch::Tensor from_table = bag_sum(leaf, c.positions, c.offsets, c.weights, &table);
  EXPECT_TRUE(torch::equal(from_table, from_copy));

  const torch::Tensor upstream = torch::randn(from_copy.sizes());
  (from_copy * upstream).sum().backward();
  (from_table * upstream).sum().backward();
  EXPECT_TRUE(torch::equal(leaf.grad(), copy_rows.grad()));
}

}  // namespace
}  // namespace recis::embedding

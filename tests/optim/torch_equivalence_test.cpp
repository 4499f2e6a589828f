// Each sparse optimizer on table rows against libtorch's optimizer on an equivalent dense
// parameter, several steps over partially overlapping ids, atol 1e-6 in fp32.
// Lazy semantics: the sparse optimizers leave untouched rows (and their slots) alone, while torch
// updates every row of a dense parameter (Adam's m decays, weight decay shrinks w). The reference
// therefore masks: before each torch step it saves the parameter and the optimizer state, and
// after it copies the rows the step did not touch back. Torch's per-parameter step counter then
// equals the sparse optimizers' global counter, as the dense parameter is stepped every step.
#include <gtest/gtest.h>

#include <functional>

#include "optim/optim_test_table.h"
#include "recis/optim/adagrad.h"
#include "recis/optim/adam.h"
#include "recis/optim/sgd.h"

namespace recis::optim {
namespace {

constexpr int64_t kIds = 40;
constexpr int64_t kDim = 7;  // not a multiple of the vector width: the loop tails are covered
constexpr int kSteps = 6;

// The optimizer state tensors of the single dense parameter (empty before the first step).
std::vector<torch::Tensor> state_tensors(torch::optim::Optimizer& optimizer) {
  std::vector<torch::Tensor> tensors;
  for (auto& [key, state] : optimizer.state()) {
    if (auto* adam = dynamic_cast<torch::optim::AdamParamState*>(state.get())) {
      tensors = {adam->exp_avg(), adam->exp_avg_sq()};
    } else if (auto* adamw = dynamic_cast<torch::optim::AdamWParamState*>(state.get())) {
      tensors = {adamw->exp_avg(), adamw->exp_avg_sq()};
    } else if (auto* adagrad = dynamic_cast<torch::optim::AdagradParamState*>(state.get())) {
      tensors = {adagrad->sum()};
    }
  }
  return tensors;
}

// Steps of partially overlapping id sets: step s touches ids [3s, 3s + 12) mod kIds, plus id 0
// every other step (rows touched again after a pause).
std::vector<int64_t> touched_ids(int step) {
  std::vector<int64_t> ids;
  for (int64_t k = 0; k < 12; ++k) ids.push_back((3 * step + k) % kIds);
  if (step % 2 == 0 && std::find(ids.begin(), ids.end(), 0) == ids.end()) ids.push_back(0);
  return ids;
}

void expect_matches_torch(
    SparseOptimizer& sparse,
    const std::function<std::unique_ptr<torch::optim::Optimizer>(std::vector<torch::Tensor>)>&
        make_dense) {
  torch::manual_seed(7);
  const torch::Tensor initial = torch::randn({kIds, kDim}) * 0.5;
  testing::TestTable table(sparse, initial);
  torch::Tensor param = initial.clone().requires_grad_(true);
  auto dense = make_dense({param});

  for (int step = 0; step < kSteps; ++step) {
    const std::vector<int64_t> ids = touched_ids(step);
    const torch::Tensor values = torch::randn({static_cast<int64_t>(ids.size()), kDim});
    const embedding::SparseGrad grad = table.grad(ids, values);
    const torch::Tensor before = table.embeddings();
    sparse.step({&grad, 1});

    const torch::Tensor index = torch::tensor(ids, torch::kInt64);
    const torch::Tensor untouched = torch::ones({kIds}, torch::kBool).index_fill_(0, index, false);
    torch::NoGradGuard no_grad;
    param.mutable_grad() = torch::zeros_like(param).index_copy_(0, index, values);
    const torch::Tensor saved_param = param.detach().clone();
    std::vector<torch::Tensor> saved_state;
    for (const auto& tensor : state_tensors(*dense)) saved_state.push_back(tensor.clone());
    dense->step();
    param.detach().index_put_({untouched}, saved_param.index({untouched}));
    // Adam creates its state (zeros) in its first step: untouched rows go back to zero then.
    const std::vector<torch::Tensor> state = state_tensors(*dense);
    for (std::size_t k = 0; k < state.size(); ++k) {
      const torch::Tensor before_step =
          saved_state.empty() ? torch::zeros_like(state[k]) : saved_state[k];
      state[k].index_put_({untouched}, before_step.index({untouched}));
    }

    const torch::Tensor ours = table.embeddings();
    EXPECT_TRUE(torch::allclose(ours, param.detach(), /*rtol=*/0, /*atol=*/1e-6))
        << sparse.name() << " step " << step + 1 << ": max difference "
        << (ours - param.detach()).abs().max().item<float>();
    EXPECT_TRUE(torch::equal(ours.index({untouched}), before.index({untouched})))
        << sparse.name() << " step " << step + 1 << " changed rows it was given no gradient for";
  }
  EXPECT_EQ(sparse.step_count(), kSteps);
}

SparseOptimizerOptions base(double lr) {
  SparseOptimizerOptions options;
  options.lr = lr;
  options.threads = 1;
  return options;
}

TEST(TorchEquivalence, Sgd) {
  Sgd sgd(base(0.1));
  expect_matches_torch(sgd, [](std::vector<torch::Tensor> params) {
    return std::make_unique<torch::optim::SGD>(params, torch::optim::SGDOptions(0.1));
  });
}

TEST(TorchEquivalence, SgdWithWeightDecay) {
  Sgd sgd(base(0.1), SgdOptions{0.05});
  expect_matches_torch(sgd, [](std::vector<torch::Tensor> params) {
    return std::make_unique<torch::optim::SGD>(params,
                                               torch::optim::SGDOptions(0.1).weight_decay(0.05));
  });
}

TEST(TorchEquivalence, Adagrad) {
  AdagradOptions options;
  options.lr_decay = 0.01;
  options.weight_decay = 0.02;
  options.initial_accumulator_value = 0.1;
  Adagrad adagrad(base(0.05), options);
  expect_matches_torch(adagrad, [](std::vector<torch::Tensor> params) {
    return std::make_unique<torch::optim::Adagrad>(params, torch::optim::AdagradOptions(0.05)
                                                               .lr_decay(0.01)
                                                               .weight_decay(0.02)
                                                               .initial_accumulator_value(0.1));
  });
}

TEST(TorchEquivalence, Adam) {
  AdamOptions options;
  options.beta1 = 0.8;
  options.beta2 = 0.95;
  options.weight_decay = 0.03;
  Adam adam(base(0.01), options, AdamVariant::Adam);
  expect_matches_torch(adam, [](std::vector<torch::Tensor> params) {
    return std::make_unique<torch::optim::Adam>(
        params, torch::optim::AdamOptions(0.01).betas({0.8, 0.95}).weight_decay(0.03));
  });
}

TEST(TorchEquivalence, AdamW) {
  AdamOptions options;
  options.weight_decay = 0.1;
  options.eps = 1e-6;
  Adam adamw(base(0.02), options, AdamVariant::AdamW);
  expect_matches_torch(adamw, [](std::vector<torch::Tensor> params) {
    return std::make_unique<torch::optim::AdamW>(
        params, torch::optim::AdamWOptions(0.02).weight_decay(0.1).eps(1e-6));
  });
}

}  // namespace
}  // namespace recis::optim

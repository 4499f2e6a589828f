// MlpTower: layer wiring by hand, the identity without hidden layers, dropout only in training.
#include "recis/models/mlp_tower.h"

#include <gtest/gtest.h>

namespace recis::models {
namespace {

TEST(MlpTower, AppliesLinearThenActivationPerLayer) {
  MlpTower tower(MlpTowerOptions(2, {2, 1}));
  {
    torch::NoGradGuard no_grad;
    auto parameters = tower->named_parameters();
    parameters["linear0.weight"].copy_(torch::tensor({{1.0f, 1.0f}, {1.0f, -1.0f}}));
    parameters["linear0.bias"].copy_(torch::tensor({0.0f, -5.0f}));
    parameters["linear1.weight"].copy_(torch::tensor({{2.0f, 3.0f}}));
    parameters["linear1.bias"].fill_(-1.0f);
  }
  // Layer 0: relu(3 + 1, 3 - 1 - 5) = (4, 0); layer 1: relu(8 + 0 - 1) = 7.
  EXPECT_FLOAT_EQ(tower->forward(torch::tensor({{3.0f, 1.0f}})).item<float>(), 7.0f);
  EXPECT_EQ(tower->output_dim(), 1);
}

TEST(MlpTower, SigmoidActivation) {
  MlpTower tower(MlpTowerOptions(1, {1}).activation(Activation::kSigmoid));
  {
    torch::NoGradGuard no_grad;
    tower->named_parameters()["linear0.weight"].fill_(2.0f);
    tower->named_parameters()["linear0.bias"].fill_(-1.0f);
  }
  EXPECT_FLOAT_EQ(tower->forward(torch::tensor({{0.5f}})).item<float>(), 0.5f);
}

TEST(MlpTower, WithoutHiddenLayersIsTheIdentity) {
  MlpTower tower(MlpTowerOptions(3, {}));
  const torch::Tensor x = torch::randn({4, 3});
  EXPECT_TRUE(torch::equal(tower->forward(x), x));
  EXPECT_EQ(tower->output_dim(), 3);
  EXPECT_TRUE(tower->parameters().empty());
}

TEST(MlpTower, DropoutOnlyInTraining) {
  torch::manual_seed(0);
  MlpTower tower(MlpTowerOptions(16, {64}).dropout(0.5));
  const torch::Tensor x = torch::randn({32, 16});
  tower->eval();
  const torch::Tensor first = tower->forward(x);
  EXPECT_TRUE(torch::equal(tower->forward(x), first));
  tower->train();
  const torch::Tensor dropped = tower->forward(x);
  // Training zeroes some units the evaluation kept and scales the rest by 1 / (1 - p).
  EXPECT_GT(((dropped == 0) & (first != 0)).sum().item<int64_t>(), 0);
  const torch::Tensor kept = dropped != 0;
  EXPECT_TRUE(torch::allclose(dropped.masked_select(kept), first.masked_select(kept) * 2));
}

}  // namespace
}  // namespace recis::models

// DCNv2: cross layers against a hand computation with set weights, low rank against the full
// layer with W = U V, and the stacked / parallel wiring.
#include "recis/models/dcn_v2.h"

#include <gtest/gtest.h>

#include "model_test_util.h"
#include "recis/common/error.h"
#include "recis/models/cross_network.h"

namespace recis::models {
namespace {

void set_parameter(torch::nn::Module& module, const std::string& name, const torch::Tensor& value) {
  torch::NoGradGuard no_grad;
  auto parameters = module.named_parameters();
  ASSERT_TRUE(parameters.contains(name)) << name;
  parameters[name].copy_(value);
}

TEST(CrossNetwork, OneFullLayerMatchesAHandComputation) {
  CrossNetwork cross(2, 1, 0);
  set_parameter(*cross, "cross0.weight", torch::tensor({{1.0f, 2.0f}, {0.0f, -1.0f}}));
  set_parameter(*cross, "cross0.bias", torch::tensor({0.5f, 1.0f}));
  const torch::Tensor x0 = torch::tensor({{3.0f, -2.0f}});
  // W x0 + b = (3 - 4 + 0.5, 2 + 1) = (-0.5, 3); x0 * that + x0 = (-1.5 + 3, -6 - 2).
  EXPECT_TRUE(torch::equal(cross->forward(x0), torch::tensor({{1.5f, -8.0f}})));
}

TEST(CrossNetwork, SecondLayerReadsThePreviousOutputAndMultipliesByX0) {
  CrossNetwork cross(2, 2, 0);
  set_parameter(*cross, "cross0.weight", torch::eye(2));
  set_parameter(*cross, "cross0.bias", torch::zeros({2}));
  set_parameter(*cross, "cross1.weight", torch::tensor({{0.0f, 1.0f}, {1.0f, 0.0f}}));
  set_parameter(*cross, "cross1.bias", torch::tensor({1.0f, 0.0f}));
  const torch::Tensor x0 = torch::tensor({{2.0f, 3.0f}});
  // x1 = x0 * x0 + x0 = (6, 12); x2 = x0 * (swap(x1) + (1, 0)) + x1 = (2 * 13 + 6, 3 * 6 + 12).
  EXPECT_TRUE(torch::equal(cross->forward(x0), torch::tensor({{32.0f, 30.0f}})));
}

TEST(CrossNetwork, LowRankEqualsFullRankWithTheProductMatrix) {
  torch::manual_seed(5);
  CrossNetwork low_rank(6, 3, 2);
  CrossNetwork full(6, 3, 0);
  auto low = low_rank->named_parameters();
  for (int l = 0; l < 3; ++l) {
    const std::string index = std::to_string(l);
    const torch::Tensor product =
        low["up" + index + ".weight"].matmul(low["down" + index + ".weight"]);
    set_parameter(*full, "cross" + index + ".weight", product);
    set_parameter(*full, "cross" + index + ".bias", low["up" + index + ".bias"]);
  }
  const torch::Tensor x0 = torch::randn({4, 6});
  EXPECT_TRUE(torch::allclose(low_rank->forward(x0), full->forward(x0), 1e-5, 1e-5));
  EXPECT_EQ(low_rank->parameters().size(), 9u);
}

TEST(CrossNetwork, RejectsZeroLayers) { EXPECT_THROW(CrossNetwork(4, 0, 0), Error); }

DcnV2Options one_input_options(CrossStructure structure) {
  DcnV2Options options;
  options.features = {{"x", 2, 0}};
  options.cross_layers = 1;
  options.structure = structure;
  options.hidden = {};
  return options;
}

TEST(DcnV2, StackedFeedsTheCrossOutputToTheTop) {
  DcnV2 model(one_input_options(CrossStructure::kStacked));
  set_parameter(model, "cross.cross0.weight", torch::tensor({{1.0f, 2.0f}, {0.0f, -1.0f}}));
  set_parameter(model, "cross.cross0.bias", torch::tensor({0.5f, 1.0f}));
  set_parameter(model, "output.weight", torch::tensor({{1.0f, 10.0f}}));
  set_parameter(model, "output.bias", torch::tensor({0.25f}));
  ModelInputs inputs;
  inputs.embeddings["x"] = torch::tensor({{3.0f, -2.0f}});
  // cross: (1.5, -8) as in the hand computation above.
  EXPECT_FLOAT_EQ(model.forward(inputs).item<float>(), 1.5f - 80.0f + 0.25f);
}

TEST(DcnV2, ParallelConcatenatesCrossAndDeepOutputs) {
  DcnV2 model(one_input_options(CrossStructure::kParallel));
  set_parameter(model, "cross.cross0.weight", torch::tensor({{1.0f, 2.0f}, {0.0f, -1.0f}}));
  set_parameter(model, "cross.cross0.bias", torch::tensor({0.5f, 1.0f}));
  set_parameter(model, "output.weight", torch::tensor({{1.0f, 10.0f, 100.0f, 1000.0f}}));
  set_parameter(model, "output.bias", torch::tensor({0.0f}));
  ModelInputs inputs;
  inputs.embeddings["x"] = torch::tensor({{3.0f, -2.0f}});
  // [cross (1.5, -8), deep = identity (3, -2)].
  EXPECT_FLOAT_EQ(model.forward(inputs).item<float>(), 1.5f - 80.0f + 300.0f - 2000.0f);
}

}  // namespace
}  // namespace recis::models

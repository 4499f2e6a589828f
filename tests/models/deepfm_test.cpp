// DeepFM and Wide&Deep: the FM term against a brute-force pairwise sum, the first-order term by
// hand, and forward() as the sum of its parts.
#include "recis/models/deepfm.h"

#include <gtest/gtest.h>

#include "model_test_util.h"
#include "recis/common/error.h"
#include "recis/models/wide_deep.h"

namespace recis::models {
namespace {

using testing::make_schema;
using testing::random_inputs;

TEST(FmInteraction, EqualsTheSumOfPairwiseDotProducts) {
  torch::manual_seed(3);
  const torch::Tensor stacked = torch::randn({6, 5, 4}, torch::kDouble);
  const torch::Tensor fm = fm_interaction(stacked);
  ASSERT_EQ(fm.sizes(), torch::IntArrayRef({6}));
  for (int64_t b = 0; b < 6; ++b) {
    double brute_force = 0;
    for (int64_t f = 0; f < 5; ++f) {
      for (int64_t g = f + 1; g < 5; ++g) {
        brute_force += stacked[b][f].dot(stacked[b][g]).item<double>();
      }
    }
    EXPECT_NEAR(fm[b].item<double>(), brute_force, 1e-12) << "row " << b;
  }
}

TEST(FmInteraction, TwoVectorsGiveTheirDotProduct) {
  const torch::Tensor stacked = torch::tensor({1.0, 2.0, 3.0, 4.0, -1.0, 0.5}).view({1, 2, 3});
  EXPECT_DOUBLE_EQ(fm_interaction(stacked).item<double>(), 1 * 4 + 2 * -1 + 3 * 0.5);
}

DeepFmOptions small_deepfm_options(const InputSchema& schema) {
  DeepFmOptions options;
  options.wide_features = schema.pooled(1, 1);
  options.fm_features = schema.pooled(4, 4);
  options.deep_features = schema.pooled(4, 4);
  options.num_dense = schema.num_dense;
  options.hidden = {8};
  return options;
}

TEST(DeepFm, FmTermReadsTheNamedEmbeddings) {
  const InputSchema schema = make_schema({{"a", 4, 0}, {"b", 4, 0}, {"c", 4, 0}, {"w", 1, 0}}, 2);
  DeepFm model(small_deepfm_options(schema));
  const ModelInputs inputs = random_inputs(schema, 3, 11);
  const auto& e = inputs.embeddings;
  const torch::Tensor expected = (e.at("a") * e.at("b")).sum(1) + (e.at("a") * e.at("c")).sum(1) +
                                 (e.at("b") * e.at("c")).sum(1);
  EXPECT_TRUE(torch::allclose(model.fm_term(inputs), expected, 1e-5, 1e-6));
}

TEST(DeepFm, FirstOrderTermIsWideSumPlusDenseLinearPlusBias) {
  const InputSchema schema = make_schema({{"a", 4, 0}, {"b", 4, 0}, {"w1", 1, 0}, {"w2", 1, 0}}, 2);
  DeepFm model(small_deepfm_options(schema));
  {
    torch::NoGradGuard no_grad;
    auto parameters = model.named_parameters();
    parameters["first_order.dense.weight"].copy_(torch::tensor({{0.5f, -2.0f}}));
    parameters["first_order.bias"].fill_(0.25f);
  }
  ModelInputs inputs = random_inputs(schema, 2, 12);
  inputs.embeddings["w1"] = torch::tensor({{1.0f}, {2.0f}});
  inputs.embeddings["w2"] = torch::tensor({{10.0f}, {20.0f}});
  inputs.dense = torch::tensor({{1.0f, 1.0f}, {4.0f, 0.5f}});
  const torch::Tensor expected = torch::tensor({1 + 10 + 0.5f - 2 + 0.25f, 2 + 20 + 2 - 1 + 0.25f});
  EXPECT_TRUE(torch::allclose(model.first_order_term(inputs), expected));
}

TEST(DeepFm, ForwardIsTheSumOfItsTerms) {
  const InputSchema schema = make_schema({{"a", 4, 0}, {"b", 4, 0}, {"w", 1, 0}}, 3);
  torch::manual_seed(1);
  DeepFm model(small_deepfm_options(schema));
  const ModelInputs inputs = random_inputs(schema, 5, 13);
  const torch::Tensor parts =
      model.first_order_term(inputs) + model.fm_term(inputs) + model.deep_term(inputs);
  EXPECT_TRUE(torch::allclose(model.forward(inputs), parts, 1e-5, 1e-6));
}

TEST(DeepFm, WithoutWideOrDenseInputsHasNoFirstOrderParameters) {
  const InputSchema schema = make_schema({{"a", 4, 0}, {"b", 4, 0}}, 0);
  DeepFm model(small_deepfm_options(schema));
  for (const auto& parameter : model.named_parameters()) {
    EXPECT_EQ(parameter.key().rfind("deep.", 0), 0u) << parameter.key();
  }
  EXPECT_EQ(model.forward(random_inputs(schema, 3, 14)).sizes(), torch::IntArrayRef({3}));
}

TEST(DeepFm, RejectsFmEmbeddingsOfDifferentDims) {
  const InputSchema schema = make_schema({{"a", 4, 0}, {"b", 8, 0}}, 0);
  DeepFmOptions options;
  options.fm_features = schema.pooled();
  options.deep_features = schema.pooled();
  EXPECT_THROW(DeepFm{options}, Error);
}

TEST(WideDeep, ForwardIsWidePlusDeep) {
  const InputSchema schema = make_schema({{"a", 4, 0}, {"w", 1, 0}}, 2);
  WideDeepOptions options;
  options.wide_features = schema.pooled(1, 1);
  options.deep_features = schema.pooled(4, 4);
  options.num_dense = 2;
  options.hidden = {};
  WideDeep model(options);
  {
    torch::NoGradGuard no_grad;
    auto parameters = model.named_parameters();
    parameters["wide.dense.weight"].copy_(torch::tensor({{1.0f, 2.0f}}));
    parameters["wide.bias"].fill_(-1.0f);
    parameters["deep.output.weight"].copy_(torch::tensor({{1.0f, 0.0f, 0.0f, 0.0f, 0.0f, 3.0f}}));
    parameters["deep.output.bias"].fill_(0.5f);
  }
  ModelInputs inputs;
  inputs.embeddings["a"] = torch::tensor({{2.0f, 9.0f, 9.0f, 9.0f}});
  inputs.embeddings["w"] = torch::tensor({{0.25f}});
  inputs.dense = torch::tensor({{1.0f, 10.0f}});
  // wide: 0.25 + (1 + 20) - 1; deep (no hidden layers): 2 * 1 + 10 * 3 + 0.5.
  EXPECT_FLOAT_EQ(model.forward(inputs).item<float>(), 20.25f + 32.5f);
}

}  // namespace
}  // namespace recis::models

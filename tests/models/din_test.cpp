// DIN: the attention against a hand computation, padding that never reaches the output or the
// gradients, and the missing-mask default.
#include "recis/models/din.h"

#include <gtest/gtest.h>

#include <limits>

#include "model_test_util.h"
#include "recis/common/error.h"

namespace recis::models {
namespace {

using testing::make_schema;
using testing::random_inputs;

DinOptions din_options(int64_t dim, int64_t length, std::vector<int64_t> attention_hidden) {
  DinOptions options;
  options.sequence = {"history", dim, length};
  options.target = {"item", dim, 0};
  options.other_features = {{"user", 3, 0}};
  options.num_dense = 2;
  options.attention_hidden = std::move(attention_hidden);
  options.hidden = {8};
  return options;
}

InputSchema din_schema(int64_t dim, int64_t length) {
  return make_schema({{"history", dim, length}, {"item", dim, 0}, {"user", 3, 0}}, 2);
}

TEST(TargetAttention, MatchesAHandComputation) {
  // No hidden layers: score_t = w . [q, k_t, q - k_t, q * k_t] + c.
  TargetAttention attention(1, std::vector<int64_t>{}, Activation::kSigmoid);
  {
    torch::NoGradGuard no_grad;
    auto parameters = attention->named_parameters();
    parameters["score.weight"].copy_(torch::tensor({{1.0f, 2.0f, 0.5f, -1.0f}}));
    parameters["score.bias"].fill_(0.1f);
  }
  const torch::Tensor query = torch::tensor({{2.0f}, {2.0f}});
  const torch::Tensor keys = torch::tensor({{{1.0f}, {3.0f}}, {{1.0f}, {3.0f}}});
  const torch::Tensor mask = torch::tensor({true, true, true, false}).view({2, 2});
  // s_1 = 2 + 2 + 0.5 - 2 + 0.1 = 2.6; s_2 = 2 + 6 - 0.5 - 6 + 0.1 = 1.6 (masked in row 2).
  const torch::Tensor scores = attention->scores(query, keys, mask);
  EXPECT_TRUE(torch::allclose(scores, torch::tensor({2.6f, 1.6f, 2.6f, 0.0f}).view({2, 2})));
  const torch::Tensor pooled = attention->forward(query, keys, mask);
  EXPECT_TRUE(torch::allclose(pooled, torch::tensor({{2.6f * 1 + 1.6f * 3}, {2.6f}})));
}

TEST(TargetAttention, ScoresAreNotNormalised) {
  TargetAttention attention(1, std::vector<int64_t>{}, Activation::kSigmoid);
  {
    torch::NoGradGuard no_grad;
    auto parameters = attention->named_parameters();
    parameters["score.weight"].zero_();
    parameters["score.bias"].fill_(1.0f);
  }
  // Every score is 1, so the output is the plain sum of the valid keys.
  const torch::Tensor keys = torch::tensor({1.0f, 2.0f, 4.0f}).view({1, 3, 1});
  const torch::Tensor mask = torch::ones({1, 3}, torch::kBool);
  EXPECT_FLOAT_EQ(attention->forward(torch::zeros({1, 1}), keys, mask).item<float>(), 7.0f);
}

TEST(Din, InterestIsTheAttentionOverTheHistory) {
  Din model(din_options(1, 2, {}));
  {
    torch::NoGradGuard no_grad;
    auto parameters = model.named_parameters();
    parameters["attention.score.weight"].copy_(torch::tensor({{1.0f, 2.0f, 0.5f, -1.0f}}));
    parameters["attention.score.bias"].fill_(0.1f);
  }
  ModelInputs inputs = random_inputs(din_schema(1, 2), 1, 21);
  inputs.embeddings["item"] = torch::tensor({{2.0f}});
  inputs.embeddings["history"] = torch::tensor({{{1.0f}, {3.0f}}});
  inputs.sequence_masks.erase("history");
  EXPECT_FLOAT_EQ(model.interest(inputs).item<float>(), 2.6f + 1.6f * 3);
}

TEST(Din, PaddingChangesNothing) {
  torch::manual_seed(2);
  Din model(din_options(4, 6, {8, 4}));
  const ModelInputs inputs = random_inputs(din_schema(4, 6), 16, 22);
  const torch::Tensor mask = inputs.sequence_masks.at("history");
  ASSERT_FALSE(mask.all().item<bool>());
  ModelInputs repadded = inputs;
  repadded.embeddings["history"] =
      torch::where(mask.unsqueeze(-1), inputs.embeddings.at("history"),
                   torch::full({}, std::numeric_limits<float>::quiet_NaN()));
  const torch::Tensor expected = model.forward(inputs);
  EXPECT_TRUE(torch::equal(model.forward(repadded), expected));

  // Gradients: none reaches a padded position, and NaN padding poisons no parameter.
  torch::Tensor history = repadded.embeddings["history"].clone().requires_grad_(true);
  repadded.embeddings["history"] = history;
  model.zero_grad();
  model.forward(repadded).sum().backward();
  const torch::Tensor padding_grad = history.grad().masked_select(~mask.unsqueeze(-1));
  EXPECT_TRUE(torch::equal(padding_grad, torch::zeros_like(padding_grad)));
  for (const auto& parameter : model.named_parameters()) {
    EXPECT_TRUE(torch::isfinite(parameter.value().grad()).all().item<bool>()) << parameter.key();
  }
}

TEST(Din, MissingMaskMeansEveryPositionIsValid) {
  torch::manual_seed(3);
  Din model(din_options(4, 3, {8}));
  ModelInputs inputs = random_inputs(din_schema(4, 3), 5, 23);
  inputs.sequence_masks["history"] = torch::ones({5, 3}, torch::kBool);
  const torch::Tensor expected = model.forward(inputs);
  inputs.sequence_masks.erase("history");
  EXPECT_TRUE(torch::equal(model.forward(inputs), expected));
}

TEST(Din, RejectsATargetOfAnotherDim) {
  DinOptions options = din_options(4, 3, {8});
  options.target.dim = 8;
  EXPECT_THROW(Din{options}, Error);
}

TEST(Din, NamesAMisShapedMask) {
  Din model(din_options(4, 3, {8}));
  ModelInputs inputs = random_inputs(din_schema(4, 3), 5, 24);
  inputs.sequence_masks["history"] = torch::ones({5, 4}, torch::kBool);
  try {
    model.forward(inputs);
    FAIL() << "expected recis::Error";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(),
                 "model input: mask of sequence 'history' must be [5, 3], got [5, 4]");
  }
}

}  // namespace
}  // namespace recis::models

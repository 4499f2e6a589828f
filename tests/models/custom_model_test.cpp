// The user-written model of examples/custom_model: registered, built from TOML, trained.
#include <gtest/gtest.h>

#include "../../examples/custom_model/two_tower_model.h"
#include "model_test_util.h"
#include "recis/common/error.h"
#include "recis/models/model_factory.h"

namespace recis::models {
namespace {

using testing::make_schema;
using testing::model_table;

InputSchema two_tower_schema() {
  return make_schema({{"user_id", 8, 0}, {"user_city", 4, 0}, {"item_id", 8, 0}}, 0);
}

std::shared_ptr<Model> build_two_tower(const std::string& extra_keys) {
  static const bool registered = [] {
    register_model("two_tower", example::two_tower_from_config);
    return true;
  }();
  EXPECT_TRUE(registered);
  return build_model(model_table("[model]\ntype = 'two_tower'\n"
                                 "user_features = ['user_id', 'user_city']\n"
                                 "item_features = ['item_id']\n" +
                                 extra_keys),
                     two_tower_schema());
}

TEST(TwoTowerExample, ScoresIsTheScaledDotProductOfTheTowers) {
  torch::manual_seed(4);
  auto model = build_two_tower("tower = []\ndim = 1\ntemperature = 0.5");
  {
    torch::NoGradGuard no_grad;
    auto parameters = model->named_parameters();
    for (auto& parameter : parameters) parameter.value().zero_();
    parameters["user_projection.weight"][0][0] = 1.0f;  // user vector: user_id[0]
    parameters["item_projection.weight"][0][1] = 2.0f;  // item vector: 2 * item_id[1]
    parameters["bias"].fill_(0.25f);
  }
  const ModelInputs inputs = testing::random_inputs(two_tower_schema(), 3, 31);
  const torch::Tensor expected = inputs.embeddings.at("user_id").select(1, 0) * 2 *
                                     inputs.embeddings.at("item_id").select(1, 1) / 0.5 +
                                 0.25;
  EXPECT_TRUE(torch::allclose(model->forward(inputs), expected));
}

TEST(TwoTowerExample, LearnsASeparableProblem) {
  torch::manual_seed(5);
  auto model = build_two_tower("tower = [16]\ndim = 8");
  const ModelInputs inputs = testing::random_inputs(two_tower_schema(), 256, 32);
  const torch::Tensor labels = testing::separable_labels(two_tower_schema(), inputs, 33);
  const auto curve = testing::train_full_batch(*model, inputs, labels, 100, 0.01);
  EXPECT_LT(curve.final, curve.initial * 0.5) << "initial " << curve.initial;
}

TEST(TwoTowerExample, ItsKeysAreCheckedLikeBuiltInOnes) {
  try {
    build_two_tower("towers = [16]");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(),
                 "model.towers: unknown key for a \"two_tower\" model (known: dim, item_features, "
                 "temperature, tower, type, user_features)");
  }
}

}  // namespace
}  // namespace recis::models

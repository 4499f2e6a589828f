// Every model type, built from TOML: output shape, gradients to every parameter, and a few Adam
// steps that fit a small separable problem.
#include <ATen/autocast_mode.h>
#include <gtest/gtest.h>

#include <string>

#include "model_test_util.h"
#include "recis/models/model_factory.h"

namespace recis::models {
namespace {

using testing::make_schema;
using testing::model_table;
using testing::random_inputs;

struct ModelCase {
  std::string name;
  std::string toml;
};

// Test names and failure messages show the case's name, not its bytes.
void PrintTo(const ModelCase& model, std::ostream* out) { *out << model.name; }

InputSchema mixed_schema() {
  return make_schema({{"user", 8, 0},
                      {"item", 8, 0},
                      {"category", 8, 0},
                      {"user_bias", 1, 0},
                      {"item_bias", 1, 0},
                      {"history", 8, 5}},
                     3);
}

class EveryModel : public ::testing::TestWithParam<ModelCase> {
 protected:
  std::shared_ptr<Model> build() {
    torch::manual_seed(7);
    return build_model(model_table(GetParam().toml), mixed_schema());
  }
};

TEST_P(EveryModel, ReturnsOneLogitPerExample) {
  auto model = build();
  const torch::Tensor logits = model->forward(random_inputs(mixed_schema(), 7, 1));
  EXPECT_EQ(logits.sizes(), torch::IntArrayRef({7}));
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
}

TEST_P(EveryModel, EveryParameterGetsAGradient) {
  auto model = build();
  const auto missing =
      testing::parameters_without_gradient(*model, random_inputs(mixed_schema(), 64, 2));
  EXPECT_TRUE(missing.empty()) << "no gradient for " << missing.front();
}

TEST_P(EveryModel, AdamStepsFitASeparableProblem) {
  auto model = build();
  const InputSchema schema = mixed_schema();
  const ModelInputs inputs = random_inputs(schema, 256, 3);
  const torch::Tensor labels = testing::separable_labels(schema, inputs, 4);
  const auto curve = testing::train_full_batch(*model, inputs, labels, 60, 0.01);
  EXPECT_LT(curve.final, curve.initial * 0.5) << "initial " << curve.initial;
}

TEST_P(EveryModel, SameSeedSameModel) {
  const ModelInputs inputs = random_inputs(mixed_schema(), 5, 5);
  const torch::Tensor first = build()->forward(inputs);
  EXPECT_TRUE(torch::equal(first, build()->forward(inputs)));
}

// What the trainer's --bf16 does: the forward pass under CPU autocast to bfloat16.
class CpuBf16Autocast {
 public:
  CpuBf16Autocast() {
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(true);
  }
  ~CpuBf16Autocast() {
    at::autocast::set_cpu_enabled(false);
    at::autocast::clear_cache();
  }
};

TEST_P(EveryModel, RunsUnderBf16AutocastCloseToFloat32) {
  auto model = build();
  const ModelInputs inputs = random_inputs(mixed_schema(), 32, 6);
  const torch::Tensor expected = model->forward(inputs);
  torch::Tensor logits;
  {
    CpuBf16Autocast autocast;
    logits = model->forward(inputs);
  }
  EXPECT_EQ(logits.sizes(), torch::IntArrayRef({32}));
  const double scale = expected.abs().max().item<double>() + 1;
  EXPECT_LT((logits.to(torch::kFloat) - expected).abs().max().item<double>(), 0.05 * scale);
}

INSTANTIATE_TEST_SUITE_P(
    Models, EveryModel,
    ::testing::Values(
        ModelCase{"mlp", "[model]\ntype = 'mlp'\nhidden = [16, 8]"},
        ModelCase{"deepfm", "[model]\ntype = 'deepfm'\nhidden = [16, 8]"},
        ModelCase{"wide_deep", "[model]\ntype = 'wide_deep'\nhidden = [16, 8]\ndropout = 0.0"},
        ModelCase{"dcnv2_full_stacked", "[model]\ntype = 'dcnv2'\ncross_layers = 2\nhidden = [16]"},
        ModelCase{"dcnv2_low_rank_parallel",
                  "[model]\ntype = 'dcnv2'\nlow_rank = 4\nstructure = 'parallel'\nhidden = [16]"},
        ModelCase{"dcnv2_cross_only", "[model]\ntype = 'dcnv2'\nhidden = []"},
        ModelCase{"din",
                  "[model]\ntype = 'din'\nsequence = 'history'\ntarget = 'item'\n"
                  "attention_hidden = [8]\nhidden = [16, 8]"}),
    [](const ::testing::TestParamInfo<ModelCase>& info) { return info.param.name; });

}  // namespace
}  // namespace recis::models

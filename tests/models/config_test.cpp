// build_model(): defaults, and errors that name the key, the value seen and what was expected.
#include <gtest/gtest.h>

#include <string>

#include "model_test_util.h"
#include "recis/common/error.h"
#include "recis/models/deepfm.h"
#include "recis/models/mlp_model.h"
#include "recis/models/model_factory.h"

namespace recis::models {
namespace {

using testing::make_schema;
using testing::model_table;

InputSchema criteo_like_schema() {
  return make_schema(
      {{"c1", 8, 0}, {"c2", 8, 0}, {"c3", 8, 0}, {"c1_w", 1, 0}, {"c2_w", 1, 0}, {"clicks", 8, 10}},
      4);
}

// The message of the ConfigError build_model throws, or "" when it builds.
std::string build_error(const std::string& toml, const InputSchema& schema = criteo_like_schema()) {
  try {
    build_model(model_table(toml), schema);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

std::vector<std::string> parameter_shapes(const Model& model) {
  std::vector<std::string> shapes;
  for (const auto& parameter : model.named_parameters()) {
    std::ostringstream out;
    out << parameter.key() << parameter.value().sizes();
    shapes.push_back(out.str());
  }
  return shapes;
}

TEST(BuildModel, DeepFmDefaultsSplitEmbeddingsByDim) {
  auto model = build_model(model_table("[model]\ntype = 'deepfm'"), criteo_like_schema());
  ASSERT_NE(std::dynamic_pointer_cast<DeepFm>(model), nullptr);
  // Deep input: c1, c2, c3 (8 each) + 4 dense = 28; first order: 4 dense weights + bias.
  EXPECT_EQ(parameter_shapes(*model),
            (std::vector<std::string>{
                "first_order.bias[1]", "first_order.dense.weight[1, 4]",
                "deep.tower.linear0.weight[400, 28]", "deep.tower.linear0.bias[400]",
                "deep.tower.linear1.weight[400, 400]", "deep.tower.linear1.bias[400]",
                "deep.tower.linear2.weight[400, 400]", "deep.tower.linear2.bias[400]",
                "deep.output.weight[1, 400]", "deep.output.bias[1]"}));
}

TEST(BuildModel, ListedSequencesAreFlattenedIntoTheDeepInput) {
  auto model =
      build_model(model_table("[model]\ntype = 'mlp'\nfeatures = ['c1', 'clicks']\nhidden = [5]"),
                  criteo_like_schema());
  EXPECT_EQ(parameter_shapes(*model)[0], "deep.tower.linear0.weight[5, 92]");  // 8 + 80 + 4
}

TEST(BuildModel, EveryBuiltInTypeIsKnown) {
  EXPECT_EQ(model_types(),
            (std::vector<std::string>{"dcnv2", "deepfm", "din", "mlp", "wide_deep"}));
}

TEST(BuildModel, TypeMustBeKnown) {
  EXPECT_EQ(build_error("[model]\nhidden = [4]"),
            "model.type: missing (one of dcnv2, deepfm, din, mlp, wide_deep)");
  EXPECT_EQ(build_error("[model]\ntype = 'deep_fm'"),
            "model.type: expected one of dcnv2, deepfm, din, mlp, wide_deep, got 'deep_fm'");
}

TEST(BuildModel, UnknownKeysAreNamed) {
  EXPECT_EQ(build_error("[model]\ntype = 'mlp'\nhiden = [4]"),
            "model.hiden: unknown key for a \"mlp\" model (known: dropout, features, hidden, "
            "type)");
}

TEST(BuildModel, BadValuesAreNamedWithWhatWasSeen) {
  EXPECT_EQ(build_error("[model]\ntype = 'deepfm'\nhidden = [400, -1]"),
            "model.hidden: expected a list of positive integers up to 65536, got [ 400, -1 ]");
  EXPECT_EQ(build_error("[model]\ntype = 'deepfm'\nhidden = 400"),
            "model.hidden: expected a list of positive integers up to 65536, got 400");
  EXPECT_EQ(
      build_error("[model]\ntype = 'mlp'\nhidden = [64, 10000000000]"),
      "model.hidden: expected a list of positive integers up to 65536, got [ 64, 10000000000 ]");
  EXPECT_EQ(build_error("[model]\ntype = 'mlp'\nhidden = [64.0]"),
            "model.hidden: expected a list of positive integers up to 65536, got [ 64.0 ]");
  EXPECT_EQ(build_error("[model]\ntype = 'wide_deep'\ndropout = 1.5"),
            "model.dropout: expected a number in [0, 1), got 1.5");
  EXPECT_EQ(build_error("[model]\ntype = 'dcnv2'\ncross_layers = 0"),
            "model.cross_layers: expected an integer in [1, 64], got 0");
  EXPECT_EQ(build_error("[model]\ntype = 'dcnv2'\nstructure = 'side_by_side'"),
            "model.structure: expected one of stacked, parallel, got 'side_by_side'");
  EXPECT_EQ(build_error("[model]\ntype = 'din'\nsequence = 'clicks'\ntarget = 'c1'\n"
                        "attention_activation = 'tanh'"),
            "model.attention_activation: expected one of sigmoid, relu, got 'tanh'");
}

TEST(BuildModel, MissingEmbeddingsAreNamedAll) {
  EXPECT_EQ(build_error("[model]\ntype = 'deepfm'\nfm_features = ['c1', 'c9', 'c2', 'c10']"),
            "model.fm_features: no embedding named 'c9', 'c10' (inputs: c1, c2, c3, c1_w, c2_w, "
            "clicks)");
  EXPECT_EQ(build_error("[model]\ntype = 'din'\nsequence = 'views'\ntarget = 'c1'"),
            "model.sequence: no embedding named 'views' (inputs: c1, c2, c3, c1_w, c2_w, clicks)");
  EXPECT_EQ(build_error("[model]\ntype = 'mlp'\nfeatures = ['c1', 'c1']"),
            "model.features: 'c1' is listed twice");
}

TEST(BuildModel, EmbeddingsMustFitThePartThatReadsThem) {
  EXPECT_EQ(build_error("[model]\ntype = 'deepfm'\nwide_features = ['c1']"),
            "model.wide_features: 'c1' has dim 8; the first-order part needs dim 1");
  EXPECT_EQ(build_error("[model]\ntype = 'deepfm'\nfm_features = ['c1', 'clicks']"),
            "model.fm_features: 'clicks' is a sequence [B, 10, 8]; the FM part needs pooled "
            "[B, dim] embeddings");
  EXPECT_EQ(build_error("[model]\ntype = 'deepfm'\nfm_features = ['c1']"),
            "model.fm_features: the FM part needs at least 2 pooled embeddings, found 1");
  EXPECT_EQ(build_error("[model]\ntype = 'din'\nsequence = 'c1'\ntarget = 'c2'"),
            "model.sequence: 'c1' is pooled [B, dim]; DIN attends over a sequence [B, L, dim]");
  EXPECT_EQ(build_error("[model]\ntype = 'din'\nsequence = 'clicks'\ntarget = 'c1_w'"),
            "model.target: 'c1_w' has dim 1; the attention query (the sequence's dim) needs dim 8");
  EXPECT_EQ(build_error("[model]\ntype = 'din'\nsequence = 'clicks'\ntarget = 'c1'\n"
                        "other_features = ['c1']"),
            "model.other_features: 'c1' is already the sequence or the target");
}

TEST(BuildModel, DefaultFmEmbeddingsOfMixedDimsAskForAList) {
  const InputSchema mixed = make_schema({{"a", 8, 0}, {"b", 16, 0}}, 0);
  EXPECT_EQ(build_error("[model]\ntype = 'deepfm'", mixed),
            "model.fm_features: 'b' has dim 16; the FM part (by default every pooled embedding "
            "of dim > 1; list the ones of one dim in fm_features) needs dim 8");
  EXPECT_EQ(build_error("[model]\ntype = 'deepfm'\nfm_features = ['a', 'b']", mixed),
            "model.fm_features: 'b' has dim 16; the FM part (its embeddings must share one dim) "
            "needs dim 8");
}

TEST(BuildModel, WideDcnV2InputsNeedLowRankCrossLayers) {
  const InputSchema wide = make_schema({{"long_history", 64, 200}}, 0);
  EXPECT_EQ(build_error("[model]\ntype = 'dcnv2'\nfeatures = ['long_history']", wide),
            "model.low_rank: x0 has 12800 columns, too many for full-rank cross layers (at most "
            "8192); set low_rank, e.g. 64");
  EXPECT_EQ(build_error("[model]\ntype = 'dcnv2'\nfeatures = ['long_history']\nlow_rank = 8\n"
                        "hidden = [4]",
                        wide),
            "");
}

TEST(BuildModel, WideDeepNeedsAWidePart) {
  const InputSchema no_wide = make_schema({{"a", 8, 0}}, 0);
  EXPECT_EQ(build_error("[model]\ntype = 'wide_deep'", no_wide),
            "model.wide_features: the wide part has no inputs: no dim-1 embeddings and no dense "
            "features");
}

TEST(BuildModel, UserRegisteredTypesAreBuiltFromConfig) {
  register_model("test_bias_only", [](ConfigReader& config, const InputSchema& schema) {
    MlpModelOptions options;
    options.features = config.embeddings("inputs", schema, schema.pooled());
    options.hidden = {};
    return std::make_shared<MlpModel>(options);
  });
  auto model = build_model(model_table("[model]\ntype = 'test_bias_only'\ninputs = ['c1_w']"),
                           criteo_like_schema());
  EXPECT_EQ(parameter_shapes(*model)[0], "deep.output.weight[1, 1]");
  EXPECT_EQ(build_error("[model]\ntype = 'test_bias_only'\nhidden = [4]"),
            "model.hidden: unknown key for a \"test_bias_only\" model (known: inputs, type)");
  EXPECT_THROW(register_model("deepfm", nullptr), Error);
}

}  // namespace
}  // namespace recis::models

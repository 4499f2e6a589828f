// describe_nonfinite names the first culprit of a non-finite loss in data-flow order: the label
// column, a dense input (the data's column, or the feature's ops from finite values), a feature's
// embedding, a model parameter, and last the logits.
#include "recis/train/nonfinite.h"

#include <gtest/gtest.h>

#include <limits>

namespace recis::train {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

struct Step {
  ragged::Batch batch;
  std::vector<feature::Feature> features;
  std::vector<std::string> dense_columns{"x", "y"};
  std::string label = "label";
  models::ModelInputs inputs;
  torch::Tensor labels = torch::tensor({0.f, 1.f, 0.f});
  torch::Tensor logits = torch::tensor({0.5f, kNaN, 0.1f});
  torch::nn::Linear model{2, 1};

  Step() {
    batch.set("x", torch::tensor({-3.0, 0.0, 5.0}).view({3, 1}));
    batch.set("y", torch::tensor({1.0, 2.0, 3.0}).view({3, 1}));
    features.push_back(feature::Feature("x").select("x").log1p());
    inputs.dense = torch::tensor({{1.f, 1.f}, {0.f, 1.f}, {2.f, 1.f}});
    inputs.embeddings["c1"] = torch::ones({3, 4});
  }

  std::string describe() const {
    return describe_nonfinite(
        {batch, features, dense_columns, label, inputs, labels, logits, *model});
  }
};

TEST(Nonfinite, TheLabelColumnComesFirst) {
  Step step;
  step.labels[1] = kNaN;
  step.inputs.dense[0][0] = kNaN;
  EXPECT_EQ(step.describe(), "the label column 'label' has 1 of 3 values NaN or Inf");
}

TEST(Nonfinite, ADenseInputMadeByItsOpsNamesTheOpsAndTheColumnRange) {
  Step step;
  step.inputs.dense[0][0] = kNaN;  // log1p(-3)
  EXPECT_EQ(step.describe(),
            "dense input 'x' has 1 of 3 values NaN or Inf: feature 'x' ops (select -> log1p) made "
            "them from finite values (column 'x' ranges -3 .. 5); log1p needs values above -1: "
            "add a clip op before it");
}

TEST(Nonfinite, ADenseInputWhoseDataHoldsNaNNamesTheDataColumn) {
  Step step;
  step.batch.set("y", torch::tensor({1.0, double{kInf}, 3.0}).view({3, 1}));
  step.inputs.dense[1][1] = kInf;
  EXPECT_EQ(step.describe(),
            "dense input 'y' has 1 of 3 values NaN or Inf: the data's column 'y' holds 1 NaN/Inf "
            "values (add a fill_missing op, or clean the data)");
}

TEST(Nonfinite, ADivergedEmbeddingNamesTheFeature) {
  Step step;
  step.inputs.embeddings["c1"][2][3] = kInf;
  EXPECT_NE(step.describe().find("the embedding of feature 'c1' has 1 of 12 values NaN or Inf"),
            std::string::npos)
      << step.describe();
}

TEST(Nonfinite, ADivergedParameterIsNamed) {
  Step step;
  {
    torch::NoGradGuard no_grad;
    step.model->weight[0][1] = kNaN;
  }
  EXPECT_NE(step.describe().find("model parameter 'weight' has 1 of 2 values NaN or Inf"),
            std::string::npos)
      << step.describe();
}

TEST(Nonfinite, WithEverythingFiniteTheLogitsOverflowed) {
  Step step;
  EXPECT_NE(step.describe().find("the model's logits have 1 of 3 values NaN or Inf from finite "
                                 "inputs and parameters"),
            std::string::npos)
      << step.describe();
}

}  // namespace
}  // namespace recis::train

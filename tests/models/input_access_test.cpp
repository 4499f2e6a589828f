// Reading model inputs: flattening order, padding zeroed, and errors that name the input.
#include "recis/models/input_access.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>

#include "recis/common/error.h"

namespace recis::models {
namespace {

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(InputGroup, ConcatenatesFlatEmbeddingsThenDense) {
  const InputGroup group({{"a", 2, 0}, {"seq", 1, 3}}, 1);
  EXPECT_EQ(group.width(), 2 + 3 + 1);
  ModelInputs inputs;
  inputs.embeddings["a"] = torch::tensor({{1.0f, 2.0f}});
  inputs.embeddings["seq"] = torch::tensor({3.0f, 4.0f, 5.0f}).view({1, 3, 1});
  inputs.sequence_masks["seq"] = torch::tensor({true, false, true}).view({1, 3});
  inputs.dense = torch::tensor({{6.0f}});
  EXPECT_TRUE(
      torch::equal(group.concat(inputs), torch::tensor({{1.0f, 2.0f, 3.0f, 0.0f, 5.0f, 6.0f}})));
}

TEST(InputGroup, NamesMissingAndMisShapedInputs) {
  const InputGroup group({{"a", 2, 0}, {"seq", 2, 3}}, 1);
  ModelInputs inputs;
  EXPECT_EQ(error_of([&] { group.concat(inputs); }), "model input: embedding 'a' is missing");
  inputs.embeddings["a"] = torch::zeros({4, 3});
  EXPECT_EQ(error_of([&] { group.concat(inputs); }),
            "model input: embedding 'a' must be [B, 2], got [4, 3]");
  inputs.embeddings["a"] = torch::zeros({4, 2});
  inputs.embeddings["seq"] = torch::zeros({4, 2, 2});
  EXPECT_EQ(error_of([&] { group.concat(inputs); }),
            "model input: sequence 'seq' must be [B, 3, 2], got [4, 2, 2]");
  inputs.embeddings["seq"] = torch::zeros({5, 3, 2});
  EXPECT_EQ(error_of([&] { group.concat(inputs); }),
            "model input: dense features are missing (the schema has 1)");
  inputs.dense = torch::zeros({4, 1});
  EXPECT_EQ(error_of([&] { group.concat(inputs); }),
            "model input: 'seq' has batch size 5, 'a' has 4");
  inputs.embeddings["seq"] = torch::zeros({4, 3, 2});
  inputs.dense = torch::zeros({4, 2});
  EXPECT_EQ(error_of([&] { group.concat(inputs); }),
            "model input: dense features must be [B, 1], got [4, 2]");
}

TEST(SequenceEmbedding, ZeroesPaddingWhateverItHolds) {
  ModelInputs inputs;
  inputs.embeddings["seq"] =
      torch::tensor({1.0f, std::numeric_limits<float>::infinity(), 3.0f, 4.0f}).view({2, 2, 1});
  inputs.sequence_masks["seq"] = torch::tensor({1, 0, 1, 1}, torch::kUInt8).view({2, 2});
  const torch::Tensor values = sequence_embedding(inputs, {"seq", 1, 2});
  EXPECT_TRUE(torch::equal(values, torch::tensor({1.0f, 0.0f, 3.0f, 4.0f}).view({2, 2, 1})));
}

TEST(InputSchema, PooledFiltersByDimInSchemaOrder) {
  InputSchema schema;
  schema.embeddings = {{"a", 8, 0}, {"w", 1, 0}, {"s", 8, 4}, {"b", 16, 0}};
  std::vector<std::string> names;
  for (const auto& info : schema.pooled(2)) names.push_back(info.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(schema.pooled(1, 1).size(), 1u);
  EXPECT_EQ(schema.find("s")->flat_width(), 32);
  EXPECT_EQ(schema.find("x"), nullptr);
}

}  // namespace
}  // namespace recis::models

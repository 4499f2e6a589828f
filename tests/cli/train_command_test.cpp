// `recis train` and the custom-model example as a user runs them: generated data in, a JSON
// summary line on stdout and metrics files out; a bad config or a missing column stops before
// training with one line on stderr naming the key or column (exit 2 / 1).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "support/run_command.h"
#include "support/test_support.h"

namespace recis::testing {
namespace {

std::string shell_quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

class TrainCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string gen = shell_quoted(recis_binary()) + " gen-data --rows 6000 --out ";
    ASSERT_EQ(run_command(gen + shell_quoted(*dir_ / "train")).exit_code, 0);
    ASSERT_EQ(run_command(gen + shell_quoted(*dir_ / "eval") + " --first-row 6000").exit_code,
              0);
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string data_overrides() {
    return " --set 'data.train=[\"" + (*dir_ / "train").string() + "\"]' --set 'data.eval=[\"" +
           (*dir_ / "eval").string() + "\"]' --set data.batch_size=1024";
  }
  static std::string source_dir() { return RECIS_SOURCE_DIR; }

  static TempDir* dir_;
};

TempDir* TrainCommand::dir_ = nullptr;

TEST_F(TrainCommand, TrainsTheDeepFmExampleAndPrintsOneJsonSummary) {
  const auto result =
      run_command(shell_quoted(recis_binary()) + " train --config " +
                  shell_quoted(source_dir() + "/examples/deepfm.toml") + data_overrides() +
                  " --output " + shell_quoted(*dir_ / "out"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 1) << result.out;
  EXPECT_NE(result.out.find("\"auc\":"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\"steps\":6"), std::string::npos) << result.out;
  EXPECT_TRUE(std::filesystem::exists(*dir_ / "out" / "metrics.jsonl"));
  EXPECT_TRUE(std::filesystem::exists(*dir_ / "out" / "curves.png"));
}

TEST_F(TrainCommand, BadKeysAndMissingColumnsStopBeforeTraining) {
  const std::string train = shell_quoted(recis_binary()) + " train --config " +
                            shell_quoted(source_dir() + "/examples/deepfm.toml") + data_overrides();
  auto result = run_command(train + " --set train.epoch=2");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_NE(result.err.find("train.epoch: unknown key"), std::string::npos) << result.err;

  result = run_command(train + " --set 'data.sparse=[\"c1\", \"c99\"]'");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_NE(result.err.find("c99"), std::string::npos) << result.err;
  EXPECT_EQ(result.out, "");
}

TEST_F(TrainCommand, CustomModelExampleTrainsThroughTheLibrary) {
  const auto example = recis_binary().parent_path() / "custom_model_example";
  const auto result = run_command(
      shell_quoted(example) + " " + shell_quoted(source_dir() + "/examples/custom_model/two_tower.toml") +
      data_overrides() + " --set 'train.output=\"" + (*dir_ / "two_tower").string() + "\"'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("\"auc\":"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace recis::testing

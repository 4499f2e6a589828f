// Checkpoints as a user meets them: `recis train` writes them, `recis ckpt inspect` lists and
// verifies them, `recis eval --checkpoint` scores them exactly as training did, `recis export`
// writes deltas; a run killed with SIGKILL or stopped with SIGTERM and resumed with --resume ends
// with exactly the metrics of the uninterrupted run. Tables larger than memory: a RAM budget per
// table trains exactly as all in RAM (same losses, AUC and checkpoint rows) and resumes after
// SIGKILL; a disk_path that is not a tier is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/run_command.h"
#include "support/test_support.h"

namespace recis::testing {
namespace {

std::string shell_quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

nlohmann::json last_json_line(const std::string& out) {
  const std::size_t end = out.find_last_not_of('\n');
  const std::size_t start = out.rfind('\n', end);
  return nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start + 1));
}

// 64 rows in RAM per feature's share of a table: the large vocabularies keep a few percent of
// their rows there.
constexpr const char* kBudget = " --set embedding_defaults.memory_rows=64";
constexpr const char* kAtEnd = " --set train.checkpoint_at_end=true";

class CheckpointCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string gen = shell_quoted(recis_binary()) + " gen-data --rows 8000 --out ";
    ASSERT_EQ(run_command(gen + shell_quoted(*dir_ / "train")).exit_code, 0);
    ASSERT_EQ(run_command(gen + shell_quoted(*dir_ / "eval") + " --first-row 8000").exit_code, 0);
  }
  static void TearDownTestSuite() { delete dir_; }

  // recis train on the DeepFM example: 2 epochs of 8 batches, shuffled.
  static std::string train(const std::filesystem::path& output, const std::string& extra = "") {
    return shell_quoted(recis_binary()) + " train --config " +
           shell_quoted(std::string(RECIS_SOURCE_DIR) + "/examples/deepfm.toml") +
           " --set 'data.train=[\"" + (*dir_ / "train").string() + "\"]' --set 'data.eval=[\"" +
           (*dir_ / "eval").string() +
           "\"]' --set data.batch_size=1000 --set data.shuffle=true --set train.epochs=2" +
           " --output " + shell_quoted(output) + extra;
  }
  static std::string eval_config() { return std::string(RECIS_SOURCE_DIR) + "/examples/deepfm.toml"; }

  // The uninterrupted run's summary, computed once.
  static const nlohmann::json& uninterrupted() {
    static const nlohmann::json summary = [] {
      const CommandResult result = run_command(train(*dir_ / "uninterrupted"));
      EXPECT_EQ(result.exit_code, 0) << result.err;
      return last_json_line(result.out);
    }();
    return summary;
  }

  // Trains into `output` with `extra`, SIGKILLs the run as soon as a checkpoint exists (a save
  // may be in flight), resumes it with the same `extra`, and returns the resumed run's summary.
  static nlohmann::json killed_then_resumed(const std::filesystem::path& output,
                                            const std::string& extra) {
    const std::string kill_when_saved =
        "(" + train(output, extra + " --set train.checkpoint_every=1") +
        " >/dev/null 2>&1 & pid=$!; while [ ! -e " + shell_quoted(output / "latest") +
        " ] && kill -0 $pid 2>/dev/null; do sleep 0.02; done; sleep 0.3; kill -9 $pid; "
        "wait $pid; exit 0)";
    EXPECT_EQ(run_command(kill_when_saved).exit_code, 0);
    const CommandResult resumed = run_command(train(output, extra + " --resume"));
    EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
    return last_json_line(resumed.out);
  }

  static TempDir* dir_;
};

TempDir* CheckpointCommand::dir_ = nullptr;

TEST_F(CheckpointCommand, InspectEvalAndExportReadWhatTrainWrote) {
  const std::filesystem::path output = *dir_ / "tools";
  const CommandResult trained =
      run_command(train(output, " --set train.checkpoint_every=4 --set train.keep_checkpoints=2"));
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const nlohmann::json summary = last_json_line(trained.out);
  ASSERT_EQ(summary["steps"], 16);
  EXPECT_TRUE(std::filesystem::exists(output / "ckpt-12"));
  EXPECT_TRUE(std::filesystem::exists(output / "ckpt-16"));
  EXPECT_FALSE(std::filesystem::exists(output / "ckpt-8"));  // keep_checkpoints = 2

  const CommandResult inspected = run_command(shell_quoted(recis_binary()) + " ckpt inspect " + shell_quoted(output));
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  const nlohmann::json about = nlohmann::json::parse(inspected.out);
  EXPECT_EQ(about["step"], 16);
  EXPECT_EQ(about["verified"], true);
  EXPECT_EQ(about["trainer"]["step"], 16);
  EXPECT_EQ(about["trainer"]["samples"], 16000);
  ASSERT_EQ(about["tables"].size(), 52u);  // 26 categorical columns, deep and wide
  for (const auto& table : about["tables"]) {
    EXPECT_GT(table["rows"].get<int64_t>(), 0) << table.dump();
    EXPECT_EQ(table["slots"].size(), 2u) << table.dump();  // Adam's m and v
  }

  const CommandResult evaluated = run_command(shell_quoted(recis_binary()) + " eval --config " +
                                              shell_quoted(eval_config()) + " --checkpoint " +
                                              shell_quoted(output) + " --set 'data.eval=[\"" +
                                              (*dir_ / "eval").string() +
                                              "\"]' --set data.batch_size=1000");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  const nlohmann::json scores = last_json_line(evaluated.out);
  EXPECT_EQ(scores["step"], 16);
  EXPECT_EQ(scores["auc"], summary["auc"]);
  EXPECT_EQ(scores["logloss"], summary["logloss"]);

  const std::filesystem::path delta = *dir_ / "delta";
  const std::string export_command = shell_quoted(recis_binary()) + " export --since " +
                                     shell_quoted(output / "ckpt-12") + " --to " +
                                     shell_quoted(output / "ckpt-16") + " --out " + shell_quoted(delta);
  const CommandResult exported = run_command(export_command);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const nlohmann::json delta_summary = last_json_line(exported.out);
  EXPECT_GT(delta_summary["changed_rows"].get<int64_t>(), 0);
  const CommandResult delta_inspected =
      run_command(shell_quoted(recis_binary()) + " ckpt inspect " + shell_quoted(delta));
  ASSERT_EQ(delta_inspected.exit_code, 0) << delta_inspected.err;
  EXPECT_EQ(nlohmann::json::parse(delta_inspected.out)["delta"]["since_step"], 12);
  const CommandResult again = run_command(export_command);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("exists already"), std::string::npos) << again.err;

  // A flipped byte is found and named.
  const std::filesystem::path rows = output / "ckpt-16" / "sparse" / "c3.safetensors";
  flip_bits(rows, std::filesystem::file_size(rows) - 3, 0x7f);
  const CommandResult corrupt = run_command(shell_quoted(recis_binary()) + " ckpt inspect " + shell_quoted(output));
  EXPECT_EQ(corrupt.exit_code, 1);
  EXPECT_NE(corrupt.err.find("c3.safetensors"), std::string::npos) << corrupt.err;
}

TEST_F(CheckpointCommand, KilledRunsResumeToTheUninterruptedResult) {
  const nlohmann::json& expected = uninterrupted();
  const std::filesystem::path output = *dir_ / "killed";
  const nlohmann::json summary = killed_then_resumed(output, "");
  EXPECT_EQ(summary["steps"], expected["steps"]);
  EXPECT_EQ(summary["samples"], expected["samples"]);
  EXPECT_EQ(summary["auc"], expected["auc"]);
  EXPECT_EQ(summary["logloss"], expected["logloss"]);
  for (const auto& entry : std::filesystem::directory_iterator(output)) {
    EXPECT_NE(entry.path().filename().string().rfind(".ckpt-", 0), 0u)
        << "a dead save's staging directory was left: " << entry.path();
  }
}

TEST_F(CheckpointCommand, SigtermStopsWithACheckpointThatResumesExactly) {
  const nlohmann::json& expected = uninterrupted();
  const std::filesystem::path output = *dir_ / "terminated";
  std::filesystem::create_directories(output);
  const std::string log = (output / "first.log").string();
  // Stops once training is under way: the progress log shows a step.
  const std::string terminate_when_training =
      "(" + train(output, " --set train.log_every=1") + " >" + shell_quoted(output / "first.out") +
      " 2>" + shell_quoted(log) + " & pid=$!; while ! grep -q 'step' " + shell_quoted(log) +
      " 2>/dev/null && kill -0 $pid 2>/dev/null; do sleep 0.02; done; kill -TERM $pid; wait $pid)";
  ASSERT_EQ(run_command(terminate_when_training).exit_code, 0);
  ASSERT_TRUE(std::filesystem::exists(output / "latest"));
  const CommandResult resumed = run_command(train(output, " --resume --set train.log_every=1"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resumed from"), std::string::npos) << resumed.err;
  const nlohmann::json summary = last_json_line(resumed.out);
  EXPECT_EQ(summary["steps"], expected["steps"]);
  EXPECT_EQ(summary["auc"], expected["auc"]);
  EXPECT_EQ(summary["logloss"], expected["logloss"]);
}

TEST_F(CheckpointCommand, ARamBudgetPerTableTrainsExactlyAsAllInRam) {
  const nlohmann::json& expected = uninterrupted();
  const std::filesystem::path output = *dir_ / "tiered";
  ASSERT_EQ(run_command(train(*dir_ / "at_end", kAtEnd)).exit_code, 0);
  const CommandResult tiered = run_command(train(output, std::string(kBudget) + kAtEnd));
  ASSERT_EQ(tiered.exit_code, 0) << tiered.err;
  const nlohmann::json summary = last_json_line(tiered.out);
  EXPECT_EQ(summary["steps"], expected["steps"]);
  EXPECT_EQ(summary["train_loss"], expected["train_loss"]);
  EXPECT_EQ(summary["auc"], expected["auc"]);
  EXPECT_EQ(summary["logloss"], expected["logloss"]);
  ASSERT_TRUE(summary.contains("disk_tier")) << summary.dump();
  EXPECT_GT(summary["disk_tier"]["disk_rows"].get<uint64_t>(),
            4 * summary["disk_tier"]["ram_rows"].get<uint64_t>());
  EXPECT_GT(summary["disk_tier"]["promoted"].get<uint64_t>(), 0u);
  EXPECT_TRUE(std::filesystem::is_directory(output / "disk_tier"));

  // The final checkpoints hold the same rows: a delta between them changes nothing.
  const CommandResult delta = run_command(
      shell_quoted(recis_binary()) + " export --since " + shell_quoted(*dir_ / "at_end") +
      " --to " + shell_quoted(output) + " --out " + shell_quoted(*dir_ / "tiered_delta"));
  ASSERT_EQ(delta.exit_code, 0) << delta.err << delta.out;
  const nlohmann::json about = last_json_line(delta.out);
  EXPECT_EQ(about["changed_rows"], 0) << about.dump();
  EXPECT_EQ(about["evicted_ids"], 0) << about.dump();
}

TEST_F(CheckpointCommand, KilledTieredRunsResumeToTheUninterruptedResult) {
  const nlohmann::json& expected = uninterrupted();
  const nlohmann::json summary = killed_then_resumed(*dir_ / "killed_tiered", kBudget);
  EXPECT_TRUE(summary.contains("disk_tier")) << summary.dump();
  EXPECT_EQ(summary["steps"], expected["steps"]);
  EXPECT_EQ(summary["auc"], expected["auc"]);
  EXPECT_EQ(summary["logloss"], expected["logloss"]);
}

TEST_F(CheckpointCommand, ADiskPathThatIsNotATierIsRefusedNamingIt) {
  // The 16-dim features merge into one table; its tier would be DISK_PATH/merged_d16_fp32_0.
  const std::filesystem::path data = *dir_ / "precious" / "merged_d16_fp32_0";
  std::filesystem::create_directories(data);
  std::ofstream(data / "notes.txt") << "keep";
  const CommandResult result = run_command(
      train(*dir_ / "refused", std::string(kBudget) + " --set embedding_defaults.disk_path=" +
                                   shell_quoted(*dir_ / "precious")));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find(data.string()), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("not a RecIS disk tier"), std::string::npos) << result.err;
  EXPECT_TRUE(std::filesystem::exists(data / "notes.txt"));
}

TEST_F(CheckpointCommand, ABadBudgetIsAOneLineConfigError) {
  const CommandResult result =
      run_command(train(*dir_ / "bad", " --set embedding_defaults.memory=lots"));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("embedding_defaults.memory"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("8GiB"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace recis::testing

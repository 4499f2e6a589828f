// Distributed training as a user runs it: `recis launch -n N -- train ...` (torchrun's
// environment). Two ranks on a global batch train exactly what one rank does on the same batch;
// checkpoints written by 2 ranks load into 1 and then 3 ranks with every row and dense tensor
// intact; a rank that dies or hangs makes the job fail within the configured timeout with an
// error naming the collective.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "recis/serialize/core/safetensors.h"
#include "support/run_command.h"
#include "support/test_support.h"

namespace recis::testing {
namespace {

namespace fs = std::filesystem;

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

nlohmann::json last_json_line(const std::string& out) {
  const std::size_t end = out.find_last_not_of('\n');
  const std::size_t start = out.rfind('\n', end);
  return nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start + 1));
}

std::vector<double> step_losses(const fs::path& output) {
  std::ifstream in(output / "metrics.jsonl");
  std::vector<double> losses;
  for (std::string line; std::getline(in, line);) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (record["kind"] == "train") losses.push_back(record["loss"].get<double>());
  }
  return losses;
}

template <typename T>
std::vector<T> read_tensor(const serialize::SafeTensorsReader& file, const std::string& name) {
  const auto& tensors = file.tensors();
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].name != name) continue;
    std::vector<T> values(tensors[i].bytes() / sizeof(T));
    file.read(i, 0, std::as_writable_bytes(std::span(values)));
    return values;
  }
  ADD_FAILURE() << file.path() << " has no tensor " << name;
  return {};
}

// id -> embedding row of every rows file (one file or all parts) of every shared name.
using Rows = std::map<std::string, std::map<int64_t, std::vector<float>>>;
Rows read_rows(const fs::path& checkpoint) {
  Rows rows;
  for (const auto& entry : fs::directory_iterator(checkpoint / "sparse")) {
    const std::string file_name = entry.path().filename().string();
    if (file_name.find(".admission") != std::string::npos) continue;
    const std::string shared = file_name.substr(0, file_name.find('.'));
    const serialize::SafeTensorsReader file(entry.path());
    const std::vector<int64_t> ids = read_tensor<int64_t>(file, "ids");
    const std::vector<float> embedding = read_tensor<float>(file, "embedding");
    const std::size_t dim = ids.empty() ? 0 : embedding.size() / ids.size();
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const bool inserted =
          rows[shared]
              .emplace(ids[i], std::vector<float>(embedding.begin() + i * dim,
                                                  embedding.begin() + (i + 1) * dim))
              .second;
      EXPECT_TRUE(inserted) << "id " << ids[i] << " of " << shared << " is in two parts";
    }
  }
  return rows;
}

std::map<std::string, std::vector<float>> read_dense(const fs::path& checkpoint) {
  const serialize::SafeTensorsReader file(checkpoint / "dense/model.safetensors");
  std::map<std::string, std::vector<float>> tensors;
  for (const serialize::TensorInfo& info : file.tensors()) {
    tensors[info.name] = read_tensor<float>(file, info.name);
  }
  return tensors;
}

double max_difference(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(double(a[i]) - b[i]));
  return worst;
}

// Every shared name has the same ids in both, and rows differ by at most `tolerance`.
void expect_same_rows(const Rows& a, const Rows& b, double tolerance) {
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [shared, rows] : a) {
    ASSERT_TRUE(b.contains(shared)) << shared;
    const auto& other = b.at(shared);
    ASSERT_EQ(rows.size(), other.size()) << shared;
    for (const auto& [id, row] : rows) {
      ASSERT_TRUE(other.contains(id)) << shared << " id " << id;
      ASSERT_LE(max_difference(row, other.at(id)), tolerance) << shared << " id " << id;
    }
  }
}

void expect_same_dense(const fs::path& a, const fs::path& b, double tolerance) {
  const auto first = read_dense(a);
  const auto second = read_dense(b);
  ASSERT_EQ(first.size(), second.size());
  for (const auto& [name, values] : first) {
    ASSERT_TRUE(second.contains(name)) << name;
    EXPECT_LE(max_difference(values, second.at(name)), tolerance) << name;
  }
}

class DistributedCommand : public ::testing::Test {
 protected:
  // 8 files of 512 rows: with 2 ranks, rank 0 reads files 0, 2, 4, 6 and rank 1 files 1, 3, 5, 7
  // (work unit u belongs to worker u % 2), so their batches of 512 together are exactly one
  // rank's batch of 1024 over the same files.
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string gen = quoted(recis_binary()) + " gen-data ";
    ASSERT_EQ(run_command(gen + "--rows 4096 --parts 8 --out " + quoted(*dir_ / "train")).exit_code, 0);
    ASSERT_EQ(run_command(gen + "--rows 2000 --first-row 4096 --out " + quoted(*dir_ / "eval")).exit_code, 0);
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::string train_args(const fs::path& output, int batch_size, const std::string& extra = "") {
    return " train --config " + quoted(fs::path(RECIS_SOURCE_DIR) / "examples/deepfm.toml") +
           " --set 'data.train=[\"" + (*dir_ / "train").string() + "\"]' --set 'data.eval=[\"" +
           (*dir_ / "eval").string() + "\"]' --set data.batch_size=" + std::to_string(batch_size) +
           " --set train.log_every=1 --output " + quoted(output) + extra;
  }
  // recis launch -n 2 on batches of 512, run once for the tests that compare with it.
  static const CommandResult& two_ranks() {
    static const CommandResult result = run_command(launch(2) + train_args(*dir_ / "two", 512));
    return result;
  }
  static std::string launch(int ranks) {
    return quoted(recis_binary()) + " launch -n " + std::to_string(ranks) + " --";
  }

  static TempDir* dir_;
};

TempDir* DistributedCommand::dir_ = nullptr;

TEST_F(DistributedCommand, TwoRanksTrainWhatOneRankTrainsOnTheSameGlobalBatch) {
  const CommandResult one = run_command(quoted(recis_binary()) + train_args(*dir_ / "one", 1024));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const CommandResult& two = two_ranks();
  ASSERT_EQ(two.exit_code, 0) << two.err;

  const nlohmann::json one_summary = last_json_line(one.out);
  const nlohmann::json two_summary = last_json_line(two.out);
  EXPECT_EQ(two_summary["steps"], 4);
  EXPECT_EQ(two_summary["samples"], 4096);
  EXPECT_EQ(two_summary["eval_samples"], 2000);
  EXPECT_NEAR(two_summary["auc"].get<double>(), one_summary["auc"].get<double>(), 1e-5);
  EXPECT_NEAR(two_summary["logloss"].get<double>(), one_summary["logloss"].get<double>(), 1e-5);
  const std::vector<double> one_losses = step_losses(*dir_ / "one");
  const std::vector<double> two_losses = step_losses(*dir_ / "two");
  ASSERT_EQ(one_losses.size(), 4u);
  ASSERT_EQ(two_losses.size(), 4u);
  for (std::size_t step = 0; step < 4; ++step) {
    EXPECT_NEAR(two_losses[step], one_losses[step], 1e-5) << "step " << step + 1;
  }
  // Rows (the union of both ranks' parts) and dense parameters agree after 4 Adam steps.
  EXPECT_TRUE(fs::exists(*dir_ / "two/ckpt-4/sparse/c1.part-1-of-2.safetensors"));
  expect_same_rows(read_rows(*dir_ / "two/ckpt-4"), read_rows(*dir_ / "one/ckpt-4"), 1e-5);
  expect_same_dense(*dir_ / "two/ckpt-4", *dir_ / "one/ckpt-4", 1e-5);
}

TEST_F(DistributedCommand, CheckpointsRepartitionFromTwoToOneToThreeRanks) {
  ASSERT_EQ(run_command(launch(2) + train_args(*dir_ / "saved2", 512)).exit_code, 0);
  // Resuming at the last step trains nothing and saves again: a re-partitioned copy.
  fs::create_directories(*dir_ / "as1");
  fs::create_directories(*dir_ / "as3");
  fs::copy(*dir_ / "saved2/ckpt-4", *dir_ / "as1/ckpt-4", fs::copy_options::recursive);
  const CommandResult as1 = run_command(quoted(recis_binary()) +
                                        train_args(*dir_ / "as1", 512, " --resume --set train.max_steps=4"));
  ASSERT_EQ(as1.exit_code, 0) << as1.err;
  EXPECT_NE(as1.err.find("was saved by 2 ranks and resumes with 1"), std::string::npos) << as1.err;
  EXPECT_TRUE(fs::exists(*dir_ / "as1/ckpt-4/sparse/c1.safetensors"));
  fs::copy(*dir_ / "as1/ckpt-4", *dir_ / "as3/ckpt-4", fs::copy_options::recursive);
  const CommandResult as3 =
      run_command(launch(3) + train_args(*dir_ / "as3", 512, " --resume --set train.max_steps=4"));
  ASSERT_EQ(as3.exit_code, 0) << as3.err;
  EXPECT_TRUE(fs::exists(*dir_ / "as3/ckpt-4/sparse/c1.part-2-of-3.safetensors"));

  const Rows original = read_rows(*dir_ / "saved2/ckpt-4");
  expect_same_rows(original, read_rows(*dir_ / "as1/ckpt-4"), 0);
  expect_same_rows(original, read_rows(*dir_ / "as3/ckpt-4"), 0);
  expect_same_dense(*dir_ / "saved2/ckpt-4", *dir_ / "as3/ckpt-4", 0);
  // Scoring the 3-rank copy with 2 ranks gives the 2-rank run's final evaluation exactly.
  const CommandResult scored = run_command(
      launch(2) + " eval --config " + quoted(fs::path(RECIS_SOURCE_DIR) / "examples/deepfm.toml") +
      " --set 'data.eval=[\"" + (*dir_ / "eval").string() + "\"]' --checkpoint " +
      quoted(*dir_ / "as3"));
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  std::ifstream metrics(*dir_ / "saved2/metrics.jsonl");
  double trained_auc = NAN;
  for (std::string line; std::getline(metrics, line);) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (record["kind"] == "eval") trained_auc = record["auc"].get<double>();
  }
  EXPECT_DOUBLE_EQ(last_json_line(scored.out)["auc"].get<double>(), trained_auc);
}

TEST_F(DistributedCommand, TorchrunRunsTheJobAsRecisLaunchDoes) {
  // Debian's torchrun (PyTorch 1.13 on Python 3.11) cannot parse --redirects/--tee "0" (an empty
  // enum flag); an explicit per-rank mapping works. Its agent serves the store (agent_store).
  const std::string port = std::to_string(20000 + ::getpid() % 20000);
  const CommandResult torchrun = run_command(
      "torchrun --nproc_per_node=2 --master_port " + port +
      " --redirects 0:1,1:1 --tee 0:1,1:1 --log_dir " + quoted(*dir_ / "torchrun-logs") +
      " --no_python " + quoted(recis_binary()) + train_args(*dir_ / "torchrun", 512));
  ASSERT_EQ(torchrun.exit_code, 0) << torchrun.err;
  const std::string last = torchrun.out.substr(torchrun.out.rfind("[default0]:") + 11);
  const CommandResult& two = two_ranks();
  ASSERT_EQ(two.exit_code, 0) << two.err;
  const nlohmann::json summary = nlohmann::json::parse(last);
  EXPECT_EQ(summary["steps"], 4);
  EXPECT_NEAR(summary["auc"].get<double>(), last_json_line(two.out)["auc"].get<double>(), 1e-6);
}

// Trains "forever" under recis launch; once rank 0 has logged a step, `action` is applied to
// rank 1's pid. Returns the launch's result with the seconds it took after the action.
CommandResult disturb_rank_one(const std::string& launch_and_train, const fs::path& output,
                               const std::string& action) {
  const std::string script =
      "(" + launch_and_train + " & pid=$!; " +
      "while [ ! -s " + quoted(output / "metrics.jsonl") + " ] && kill -0 $pid 2>/dev/null; do sleep 0.05; done; " +
      "rank1=$(tr ' ' '\\n' < /proc/$pid/task/$pid/children | grep . | sort -n | tail -1); " +
      action + " $rank1; start=$(date +%s%N); wait $pid; code=$?; " +
      "echo \"exit=$code seconds=$(( ($(date +%s%N) - start) / 1000000000 ))\" >&2; exit $code)";
  return run_command(script);
}

TEST_F(DistributedCommand, AKilledRankFailsTheJobWithAClearError) {
  const fs::path output = *dir_ / "killed";
  const CommandResult result = disturb_rank_one(
      launch(2) + train_args(output, 256, " --set train.epochs=1000 --set train.checkpoint_at_end=false"),
      output, "kill -9");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("dist: rank 0/2"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("launch: rank 1 was killed by signal 9"), std::string::npos) << result.err;
}

TEST_F(DistributedCommand, AHungRankFailsTheJobWithinTheTimeout) {
  const fs::path output = *dir_ / "hung";
  const CommandResult result = disturb_rank_one(
      quoted(recis_binary()) + " launch -n 2 --grace 2 --" +
          train_args(output, 256,
                     " --set train.epochs=1000 --set train.checkpoint_at_end=false --set dist.timeout_s=3"),
      output, "kill -STOP");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("did not answer within 3 s"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("launch: rank 0 exited with code 1"), std::string::npos) << result.err;
  const std::size_t at = result.err.find("seconds=");
  ASSERT_NE(at, std::string::npos) << result.err;
  EXPECT_LT(std::stod(result.err.substr(at + 8)), 30.0) << result.err;
}

}  // namespace
}  // namespace recis::testing

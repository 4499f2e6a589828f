// Crash safety of checkpoint saves, tested on real processes: a child saving in a loop is killed
// with SIGKILL at many moments; a child with a small RLIMIT_FSIZE runs out of file size mid-save.
// Children report their outcome through exit codes and never return into GoogleTest.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <random>

#include "recis/common/error.h"
#include "recis/serialize/core/checkpoint_dir.h"
#include "support/test_support.h"

namespace recis::serialize {
namespace {

namespace fs = std::filesystem;
using recis::testing::read_file;
using recis::testing::TempDir;

constexpr std::size_t kKeep = 2;
constexpr std::size_t kRows = 1 << 18;  // 4 MB of F32 rows of width 4

// Writes a checkpoint of a few MB whose bytes depend on the step; calls before_commit (if any)
// once every file is written, just before commit().
fs::path save_checkpoint(const fs::path& output, int64_t step,
                         const std::function<void()>& before_commit = {}) {
  CheckpointStaging staging(output, step);
  std::vector<float> rows(kRows * 4);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<float>(step) + i * 0.25f;
  SafeTensorsWriter writer(staging.path_for("sparse/t.safetensors"),
                           {{"rows", DType::F32, {int64_t(kRows), 4}}},
                           {{"step", std::to_string(step)}});
  const std::size_t chunk = rows.size() / 4;
  for (std::size_t c = 0; c < 4; ++c) {
    writer.write(0, c * chunk * sizeof(float),
                 std::as_bytes(std::span(rows).subspan(c * chunk, chunk)));
  }
  staging.add("sparse/t.safetensors", writer.finish());
  staging.write_file("trainer.json", "{\"step\": " + std::to_string(step) + "}\n");
  if (before_commit) before_commit();
  return staging.commit(kKeep);
}

int64_t step_of(const fs::path& checkpoint) { return read_manifest(checkpoint).step; }

// Every ckpt-N entry is a complete checkpoint that verifies, `latest` resolves to one, and the
// step in each manifest matches its directory name.
void expect_consistent(const fs::path& output, const std::string& when) {
  SCOPED_TRACE(when);
  const auto latest = latest_checkpoint(output);
  ASSERT_TRUE(latest.has_value());
  EXPECT_NO_THROW(verify_checkpoint(*latest));
  std::size_t complete = 0;
  for (const auto& entry : fs::directory_iterator(output)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("ckpt-")) continue;
    ASSERT_TRUE(fs::exists(entry.path() / "manifest.json")) << "partial checkpoint " << name;
    EXPECT_NO_THROW(verify_checkpoint(entry.path())) << name;
    EXPECT_EQ("ckpt-" + std::to_string(step_of(entry.path())), name);
    ++complete;
  }
  EXPECT_EQ(complete, list_checkpoints(output).size());
}

// Forks a child that saves steps from `first_step` on, forever; returns its pid. When
// `notify_fd` >= 0 the child writes 'c' there just before each commit() and 'd' after it.
pid_t start_saving_child(const fs::path& output, int64_t first_step, int notify_fd) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  const auto notify = [&](char byte) {
    if (notify_fd >= 0 && ::write(notify_fd, &byte, 1) != 1) ::_exit(4);
  };
  try {
    for (int64_t step = first_step;; ++step) {
      save_checkpoint(output, step, [&] { notify('c'); });
      notify('d');
    }
  } catch (...) {
    ::_exit(3);
  }
}

// Reads the child's notifications until `count` bytes equal to `wanted` arrived.
void wait_for(int fd, char wanted, int count) {
  char byte;
  while (count > 0) {
    ASSERT_EQ(::read(fd, &byte, 1), 1) << "the saving child stopped";
    if (byte == wanted) --count;
  }
}

void kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the saving child exited with code " << WEXITSTATUS(status);
}

TEST(CheckpointCrash, KillNineAtAnyMomentLeavesEveryCheckpointComplete) {
  TempDir tmp;
  const fs::path output = tmp / "out";
  save_checkpoint(output, 1);
  // A save of this size takes some 40-100 ms here: the delays land in every phase of a save,
  // and the long ones let a few saves complete (and prune) before the kill.
  std::vector<int> delays_us = {0, 500, 2000, 5000, 10000, 20000, 40000, 80000, 150000, 300000};
  std::mt19937 rng(2024);
  for (int i = 0; i < 6; ++i) delays_us.push_back(static_cast<int>(rng() % 200000));
  for (int delay_us : delays_us) {
    const int64_t next = step_of(*latest_checkpoint(output)) + 1;
    const pid_t child = start_saving_child(output, next, -1);
    ASSERT_GT(child, 0);
    ::usleep(delay_us);
    kill_and_reap(child);
    expect_consistent(output, "killed after " + std::to_string(delay_us) + " us");
  }
  // Last, a kill after three more commits (so pruning ran) whatever the machine's speed.
  int notify[2];
  ASSERT_EQ(::pipe(notify), 0);
  const int64_t before = step_of(*latest_checkpoint(output));
  const pid_t child = start_saving_child(output, before + 1, notify[1]);
  ASSERT_GT(child, 0);
  ::close(notify[1]);
  wait_for(notify[0], 'd', 3);
  kill_and_reap(child);
  ::close(notify[0]);
  expect_consistent(output, "killed after three commits");
  EXPECT_GE(step_of(*latest_checkpoint(output)), before + 3);
  EXPECT_LE(list_checkpoints(output).size(), kKeep + 1) << "pruning ran after each commit";
}

TEST(CheckpointCrash, KillNineInsideCommitLeavesEveryCheckpointComplete) {
  TempDir tmp;
  const fs::path output = tmp / "out";
  save_checkpoint(output, 1);
  // The child signals through a pipe just before commit(); the kill lands inside the commit
  // (manifest, fsyncs, rename, latest, pruning) at increasing offsets.
  for (int delay_us : {0, 20, 50, 100, 200, 400, 700, 1000, 1500, 2500, 4000, 6000}) {
    int notify[2];
    ASSERT_EQ(::pipe(notify), 0);
    const int64_t next = step_of(*latest_checkpoint(output)) + 1;
    const pid_t child = start_saving_child(output, next, notify[1]);
    ASSERT_GT(child, 0);
    ::close(notify[1]);
    wait_for(notify[0], 'c', 1);
    ::usleep(delay_us);
    kill_and_reap(child);
    ::close(notify[0]);
    expect_consistent(output, "killed " + std::to_string(delay_us) + " us into commit");
  }
}

TEST(CheckpointCrash, FileSizeLimitFailsTheSaveAndKeepsThePreviousCheckpoint) {
  TempDir tmp;
  const fs::path output = tmp / "out";
  save_checkpoint(output, 1);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{1 << 20, 1 << 20};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(5);
    try {
      save_checkpoint(output, 2);
      ::_exit(1);  // the save succeeded despite the limit
    } catch (const IoError& error) {
      const std::string message = error.what();
      const bool names_file = message.find("sparse/t.safetensors") != std::string::npos;
      const bool says_why = message.find(std::strerror(EFBIG)) != std::string::npos;
      ::_exit(names_file && says_why ? 0 : 2);
    } catch (...) {
      ::_exit(3);
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no error, 2: IoError without the file or EFBIG, "
                                       "3: another exception, 5: setrlimit failed";
  for (const auto& entry : fs::directory_iterator(output)) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".ckpt-"))
        << "staging left behind: " << entry.path();
  }
  ASSERT_EQ(list_checkpoints(output), std::vector<fs::path>{output / "ckpt-1"});
  EXPECT_EQ(read_file(output / "latest"), "ckpt-1\n");
  EXPECT_NO_THROW(verify_checkpoint(output / "ckpt-1"));
}

}  // namespace
}  // namespace recis::serialize

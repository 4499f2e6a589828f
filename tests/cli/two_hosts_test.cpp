// Distributed training across two "hosts": two network namespaces joined by a veth pair, one rank
// in each, started as a multi-machine job is (torchrun's environment with MASTER_ADDR set to rank
// 0's address and GLOO_SOCKET_IFNAME to the host's interface). The job trains exactly what
// `recis launch -n 2` trains on loopback, and a rank whose link goes down makes the other fail
// within `dist.timeout_s` with one line naming the collective and the timeout.
// Needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) and iproute2; otherwise the tests are skipped.
// Namespace and interface names carry the test process's pid, so parallel ctest runs don't clash;
// the namespaces, and every process left in them, are removed on every path.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/run_command.h"
#include "support/test_support.h"

namespace recis::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

nlohmann::json last_json_line(const std::string& out) {
  const std::size_t end = out.find_last_not_of('\n');
  if (end == std::string::npos) return nullptr;
  const std::size_t start = out.rfind('\n', end);
  const std::size_t from = start == std::string::npos ? 0 : start + 1;
  return nlohmann::json::parse(out.substr(from, end + 1 - from));
}

std::string last_line(const std::string& text) {
  const std::size_t end = text.find_last_not_of('\n');
  if (end == std::string::npos) return "";
  const std::size_t start = text.rfind('\n', end);
  const std::size_t from = start == std::string::npos ? 0 : start + 1;
  return text.substr(from, end + 1 - from);
}

// Two network namespaces ("hosts" 0 and 1) joined by a veth pair, 10.213.0.1/24 and 10.213.0.2/24,
// with their links and loopback up. The destructor kills whatever still runs in them and deletes
// them (which deletes the veth pair too).
class TwoHosts {
 public:
  TwoHosts() {
    static int pairs = 0;
    const std::string pid = std::to_string(::getpid());
    const std::string pair = std::to_string(pairs++);
    for (int host = 0; host < 2; ++host) {
      namespaces_[host] = "recis-" + pid + "-" + pair + "-" + "ab"[host];
      // Interface names have at most 15 characters: "rv" + pid (<= 7 digits) + pair + a/b.
      interfaces_[host] = "rv" + pid + "x" + pair + "ab"[host];
    }
  }
  ~TwoHosts() {
    for (int host = 0; host < 2; ++host) {
      if (!created_[host]) continue;
      run_command("ip netns pids " + namespaces_[host] + " | xargs -r kill -9");
      run_command("ip netns delete " + namespaces_[host]);
    }
    // A pair whose move into a namespace failed is still in this one.
    if (veth_here_) run_command("ip link delete " + interfaces_[0]);
  }
  TwoHosts(const TwoHosts&) = delete;
  TwoHosts& operator=(const TwoHosts&) = delete;

  // Makes the namespaces and the link; an empty string when ready, else why they cannot be made.
  std::string create() {
    if (run_command("command -v ip").exit_code != 0) return "no `ip` command (iproute2)";
    const std::string who =
        ::geteuid() == 0 ? "" : " (not root: euid " + std::to_string(::geteuid()) + ")";
    remove_stale_namespaces();
    for (int host = 0; host < 2; ++host) {
      run_command("ip netns delete " + namespaces_[host]);  // a crashed run's, with this pid
      const CommandResult made = run_command("ip netns add " + namespaces_[host]);
      if (made.exit_code != 0)
        return "cannot create a network namespace" + who + ": " + first_line(made);
      created_[host] = true;
    }
    const CommandResult veth =
        run_command("ip link add " + interfaces_[0] + " type veth peer name " + interfaces_[1]);
    if (veth.exit_code != 0) return "cannot create a veth pair" + who + ": " + first_line(veth);
    veth_here_ = true;
    for (int host = 0; host < 2; ++host) {
      const std::string& ns = namespaces_[host];
      const std::string& link = interfaces_[host];
      for (const std::string& step :
           {"ip link set " + link + " netns " + ns,
            "ip -n " + ns + " addr add " + address(host) + "/24 dev " + link,
            "ip -n " + ns + " link set " + link + " up", "ip -n " + ns + " link set lo up"}) {
        const CommandResult result = run_command(step);
        if (result.exit_code != 0) return "`" + step + "` failed" + who + ": " + first_line(result);
      }
      veth_here_ = false;
    }
    // `ip netns exec` mounts a fresh /sys, which some containers refuse.
    const CommandResult exec = run_command("ip netns exec " + namespaces_[0] + " true");
    if (exec.exit_code != 0)
      return "cannot run in a network namespace" + who + ": " + first_line(exec);
    return "";
  }

  const std::string& ns(int host) const { return namespaces_[host]; }
  const std::string& interface(int host) const { return interfaces_[host]; }
  static std::string address(int host) { return "10.213.0." + std::to_string(host + 1); }

 private:
  // Namespaces of earlier runs that were killed before their destructor ran: named after a
  // process that is gone, with nothing left running in them.
  static void remove_stale_namespaces() {
    std::istringstream list(run_command("ip netns list").out);
    const std::regex ours(R"(recis-(\d+)-\d+-[ab])");
    for (std::string line; std::getline(list, line);) {
      const std::string name = line.substr(0, line.find(' '));
      std::smatch match;
      if (!std::regex_match(name, match, ours)) continue;
      const pid_t owner = static_cast<pid_t>(std::stol(match[1].str()));
      if (::kill(owner, 0) == 0 || errno != ESRCH) continue;
      if (!run_command("ip netns pids " + name).out.empty()) continue;
      run_command("ip netns delete " + name);
    }
  }
  static std::string first_line(const CommandResult& result) {
    const std::string& text = result.err.empty() ? result.out : result.err;
    return text.substr(0, text.find('\n'));
  }

  std::string namespaces_[2];
  std::string interfaces_[2];
  bool created_[2] = {false, false};
  bool veth_here_ = false;
};

// One rank of the job, `recis train` run in its host's namespace with torchrun's environment;
// stdout and stderr go to LOGS.rankR.out and .err. `ip netns exec`, `env` and bin/recis all exec,
// so the pid is the rank's own. The destructor kills a rank still running.
class Rank {
 public:
  Rank(const TwoHosts& hosts, int rank, const std::string& train_args, const fs::path& logs)
      : out_(logs.string() + ".rank" + std::to_string(rank) + ".out"),
        err_(logs.string() + ".rank" + std::to_string(rank) + ".err") {
    const std::string command =
        "exec ip netns exec " + hosts.ns(rank) + " env RANK=" + std::to_string(rank) +
        " WORLD_SIZE=2 LOCAL_RANK=0 LOCAL_WORLD_SIZE=1 MASTER_ADDR=" + TwoHosts::address(0) +
        " MASTER_PORT=29500 GLOO_SOCKET_IFNAME=" + hosts.interface(rank) + " " +
        quoted(recis_binary()) + train_args + " >" + quoted(out_) + " 2>" + quoted(err_) +
        " </dev/null";
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
      // Dies with the test process (this thread), even when that is killed (e.g. by ctest's
      // timeout) and no destructor runs.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    if (pid_ < 0) ADD_FAILURE() << "fork failed for rank " << rank;
  }
  ~Rank() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Rank(const Rank&) = delete;
  Rank& operator=(const Rank&) = delete;

  bool running() {
    if (pid_ <= 0 || status_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }
  // The exit code (128 + signal when killed by one); nullopt if still running at `deadline`.
  std::optional<int> wait_until(Clock::time_point deadline) {
    while (running() && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return running() ? std::nullopt : status_;
  }
  std::string out() const { return read_file(out_); }
  std::string err() const { return read_file(err_); }

 private:
  fs::path out_;
  fs::path err_;
  pid_t pid_ = -1;
  std::optional<int> status_;
};

class TwoHostsTest : public ::testing::Test {
 protected:
  // 4 files of 1024 rows; rank r reads files r and r + 2. Batches of 256: 8 steps.
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string gen = quoted(recis_binary()) + " gen-data ";
    ASSERT_EQ(run_command(gen + "--rows 4096 --parts 4 --out " + quoted(*dir_ / "train")).exit_code,
              0);
    ASSERT_EQ(
        run_command(gen + "--rows 1000 --first-row 4096 --out " + quoted(*dir_ / "eval")).exit_code,
        0);
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override {
    if (const std::string why = hosts_.create(); !why.empty()) {
      GTEST_SKIP() << "two network namespaces are needed: " << why;
    }
  }

  // --threads 1: both runs compute with the same thread count (launch would give each rank half
  // the CPUs, a namespace rank all of them), so their float results can be compared exactly.
  static std::string train_args(const fs::path& output, const std::string& extra = "") {
    return " train --threads 1 --config " +
           quoted(fs::path(RECIS_SOURCE_DIR) / "examples/deepfm.toml") + " --set 'data.train=[\"" +
           (*dir_ / "train").string() + "\"]' --set 'data.eval=[\"" + (*dir_ / "eval").string() +
           "\"]' --set data.batch_size=256 --set train.log_every=1" + " --output " +
           quoted(output) + extra;
  }

  static TempDir* dir_;
  TwoHosts hosts_;
};

TempDir* TwoHostsTest::dir_ = nullptr;

TEST_F(TwoHostsTest, TrainsWhatLaunchTrainsOnLoopback) {
  const CommandResult loopback =
      run_command(quoted(recis_binary()) + " launch -n 2 --" + train_args(*dir_ / "loopback"));
  ASSERT_EQ(loopback.exit_code, 0) << loopback.err;

  const fs::path output = *dir_ / "two-hosts";
  Rank rank0(hosts_, 0, train_args(output), output);
  Rank rank1(hosts_, 1, train_args(output), output);
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(300);
  const std::optional<int> code0 = rank0.wait_until(deadline);
  const std::optional<int> code1 = rank1.wait_until(deadline);
  ASSERT_TRUE(code0 && code1) << "still running after 300 s\nrank 0:\n"
                              << rank0.err() << "rank 1:\n"
                              << rank1.err();
  ASSERT_EQ(*code0, 0) << rank0.err();
  ASSERT_EQ(*code1, 0) << rank1.err();
  EXPECT_NE(rank0.err().find("connected via 10.213.0.1:29500"), std::string::npos) << rank0.err();
  EXPECT_EQ(rank1.out(), "");  // rank 0 alone prints the summary

  // Same world size, same shards, same thread count, and a sum over two ranks does not depend on
  // which adds to which: every value is bit for bit the loopback job's.
  const nlohmann::json expected = last_json_line(loopback.out);
  const nlohmann::json actual = last_json_line(rank0.out());
  EXPECT_EQ(actual["steps"], 8) << actual;
  EXPECT_EQ(actual["samples"], 4096) << actual;
  for (const char* key : {"steps", "samples", "train_loss", "auc", "logloss"}) {
    ASSERT_TRUE(expected.contains(key)) << key << " not in " << expected;
    EXPECT_EQ(actual[key], expected[key])
        << key << ": two hosts " << actual << "\nloopback " << expected;
  }
}

TEST_F(TwoHostsTest, ALinkDownFailsTheOtherRankWithinTheTimeout) {
  constexpr int kTimeoutS = 10;
  const fs::path output = *dir_ / "link-down";
  const std::string args = train_args(
      output, " --set train.epochs=1000 --set train.checkpoint_at_end=false --set dist.timeout_s=" +
                  std::to_string(kTimeoutS));
  Rank rank0(hosts_, 0, args, output);
  Rank rank1(hosts_, 1, args, output);

  // Training has started once rank 0 has logged a step; the link goes down a few seconds later.
  const Clock::time_point started_by = Clock::now() + std::chrono::seconds(120);
  while (!(fs::exists(output / "metrics.jsonl") && fs::file_size(output / "metrics.jsonl") > 0)) {
    ASSERT_TRUE(rank0.running() && rank1.running()) << "a rank stopped before training\nrank 0:\n"
                                                    << rank0.err() << "rank 1:\n"
                                                    << rank1.err();
    ASSERT_LT(Clock::now(), started_by) << "no step logged\nrank 0:\n"
                                        << rank0.err() << "rank 1:\n"
                                        << rank1.err();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));
  ASSERT_TRUE(rank0.running() && rank1.running()) << rank0.err() << rank1.err();
  const CommandResult down =
      run_command("ip -n " + hosts_.ns(1) + " link set " + hosts_.interface(1) + " down");
  ASSERT_EQ(down.exit_code, 0) << down.err;
  const Clock::time_point down_at = Clock::now();

  // Nothing is reset: rank 0's packets are dropped and only the timeout can end its wait.
  const Clock::time_point deadline = down_at + std::chrono::seconds(kTimeoutS + 30);
  const std::optional<int> code0 = rank0.wait_until(deadline);
  const double seconds = std::chrono::duration<double>(Clock::now() - down_at).count();
  ASSERT_TRUE(code0) << "rank 0 still running " << seconds << " s after rank 1's link went down\n"
                     << rank0.err();
  EXPECT_NE(*code0, 0) << rank0.err();
  EXPECT_LT(seconds, kTimeoutS + 30.0);
  // The last line of stderr (no backtrace after it), e.g. "recis: dist: rank 0/2: all_to_all of
  // embedding gradients failed: Operation timed out! (another rank died or did not answer within
  // 10 s)".
  const std::string error = last_line(rank0.err());
  EXPECT_EQ(error.rfind("recis: dist: rank 0/2: ", 0), 0u) << rank0.err();
  EXPECT_NE(error.find("within " + std::to_string(kTimeoutS) + " s"), std::string::npos) << error;
  EXPECT_TRUE(error.find("all_reduce of ") != std::string::npos ||
              error.find("all_to_all of ") != std::string::npos ||
              error.find("all_gather of ") != std::string::npos)
      << error;

  // Rank 1, cut off, fails the same way.
  const std::optional<int> code1 = rank1.wait_until(deadline);
  ASSERT_TRUE(code1) << "rank 1 still running after its link went down\n" << rank1.err();
  EXPECT_NE(*code1, 0) << rank1.err();
  EXPECT_EQ(last_line(rank1.err()).rfind("recis: dist: rank 1/2: ", 0), 0u) << rank1.err();
}

}  // namespace
}  // namespace recis::testing

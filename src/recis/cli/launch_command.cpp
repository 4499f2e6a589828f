// `recis launch -n N [--master-port P] -- COMMAND ARGS...`: runs N ranks of `recis COMMAND` on
// this machine with the environment torchrun gives its workers (RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1, MASTER_PORT: P, or a free port). Ranks share stdout
// and stderr. SIGINT and SIGTERM are passed on to every rank (they save a checkpoint and stop).
// When a rank fails, the others get a grace period to fail on their own (they see the broken
// connection at their next collective) and are then killed; launch then fails naming the first
// rank that failed and its exit status. docs/distributed.md.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "recis/cli/command_registry.h"
#include "recis/cli/torch_commands.h"
#include "recis/common/error.h"
#include "recis/common/logging.h"
#include "recis/dist/free_port.h"

namespace recis::cli {
namespace {

struct LaunchOptions {
  int ranks = 1;
  int master_port = 0;
  double grace_s = 10;
  std::vector<std::string> command;
};

std::vector<pid_t> g_children;

void forward_signal(int signal) {
  for (pid_t child : g_children) kill(child, signal);
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "exited with code " + std::to_string(WEXITSTATUS(status));
}

pid_t spawn_rank(const LaunchOptions& options, int rank, uint16_t port) {
  const pid_t pid = fork();
  if (pid < 0) throw Error("launch: fork failed for rank " + std::to_string(rank));
  if (pid > 0) return pid;
  setenv("RANK", std::to_string(rank).c_str(), 1);
  setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
  setenv("WORLD_SIZE", std::to_string(options.ranks).c_str(), 1);
  setenv("LOCAL_WORLD_SIZE", std::to_string(options.ranks).c_str(), 1);
  setenv("MASTER_ADDR", "127.0.0.1", 1);
  setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
  std::vector<std::string> args{"recis"};
  args.insert(args.end(), options.command.begin(), options.command.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv("/proc/self/exe", argv.data());
  std::perror("recis launch: exec");
  _exit(127);
}

void run_launch(const LaunchOptions& options) {
  if (options.ranks < 1 || options.ranks > 1024) {
    throw ConfigError("launch: -n " + std::to_string(options.ranks) + ": expected 1..1024 ranks");
  }
  if (options.command.empty()) {
    throw ConfigError("launch: no command; usage: recis launch -n N -- train --config F");
  }
  if (options.master_port < 0 || options.master_port > 65535) {
    throw ConfigError("launch: --master-port " + std::to_string(options.master_port) +
                      ": expected 1..65535 (0: a free port)");
  }
  const uint16_t port = options.master_port > 0 ? static_cast<uint16_t>(options.master_port)
                                                : dist::free_loopback_port();
  std::vector<pid_t> ranks;
  for (int rank = 0; rank < options.ranks; ++rank) ranks.push_back(spawn_rank(options, rank, port));
  g_children = ranks;
  std::signal(SIGINT, forward_signal);
  std::signal(SIGTERM, forward_signal);

  std::optional<std::string> failure;
  std::optional<std::chrono::steady_clock::time_point> kill_at;
  int running = options.ranks;
  while (running > 0) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, kill_at ? WNOHANG : 0);
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) break;
    if (pid == 0) {
      if (std::chrono::steady_clock::now() >= *kill_at) {
        for (std::size_t r = 0; r < ranks.size(); ++r) {
          if (ranks[r] > 0) kill(ranks[r], SIGKILL);
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    for (std::size_t r = 0; r < ranks.size(); ++r) {
      if (ranks[r] != pid) continue;
      ranks[r] = -1;
      --running;
      const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      if (!ok && !failure) {
        failure = "rank " + std::to_string(r) + " " + describe_status(status);
        RECIS_LOG(Error) << "launch: " << *failure << "; the other ranks have "
                         << options.grace_s << " s to stop";
        kill_at = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(options.grace_s * 1000));
      }
    }
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  g_children.clear();
  if (failure) throw Error("launch: " + *failure);
}

void setup_launch(CLI::App& command) {
  auto options = std::make_shared<LaunchOptions>();
  command.add_option("-n,--nproc", options->ranks, "ranks to run on this machine")->required();
  command.add_option("--master-port", options->master_port,
                     "the rendezvous port on 127.0.0.1 (default: a free one)");
  command.add_option("--grace", options->grace_s,
                     "seconds the other ranks get to stop after one fails")
      ->capture_default_str();
  command.add_option("command", options->command, "the recis command each rank runs, after --")
      ->required();
  command.callback([options] { run_launch(*options); });
}

RECIS_REGISTER_COMMAND(kLaunchCommand.name, kLaunchCommand.description, setup_launch);

}  // namespace
}  // namespace recis::cli

#include "executables.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "recis/common/error.h"

namespace recis::bench {

std::filesystem::path bin_dir() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path();
}

std::filesystem::path front_end_executable() { return bin_dir() / "recis"; }
std::filesystem::path torch_executable() { return bin_dir() / "recis-torch"; }

rusage run_child(const std::vector<std::string>& argv, const std::filesystem::path& stdout_path) {
  const pid_t pid = fork();
  if (pid < 0) throw Error("bench: fork failed for " + argv.at(0));
  if (pid == 0) {
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    if (!freopen(stdout_path.c_str(), "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(126);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string command;
    for (const std::string& arg : argv) command += (command.empty() ? "" : " ") + arg;
    throw Error("bench: `" + command + "` failed (exit " + std::to_string(WEXITSTATUS(status)) +
                "); rerun it to see why");
  }
  return usage;
}

std::string shell_quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

}  // namespace recis::bench

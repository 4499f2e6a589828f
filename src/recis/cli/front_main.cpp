// bin/recis: the torch-free front end. It runs the commands that need no libtorch itself (orc,
// gen-data, ckpt, export: they start in milliseconds) and replaces itself (exec) with
// bin/recis-torch, next to it, for the commands that do (torch_commands.h), with the same
// arguments. Before that exec it sets OMP_WAIT_POLICY=PASSIVE unless the user set it: libgomp,
// which libtorch loads, reads the policy once when it is loaded, and its default spinning makes
// training collapse on a machine shared with another busy process (docs/performance.md).
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "recis/cli/cli_main.h"
#include "recis/cli/command_registry.h"
#include "recis/cli/torch_commands.h"
#include "recis/common/error.h"

namespace recis::cli {
namespace {

char** g_argv = nullptr;

[[noreturn]] void exec_torch_executable() {
  const std::filesystem::path torch_executable =
      std::filesystem::read_symlink("/proc/self/exe").parent_path() / "recis-torch";
  setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0);
  execv(torch_executable.c_str(), g_argv);
  throw Error("cannot run " + torch_executable.string() + ": " + std::strerror(errno) +
              " (it is built with bin/recis)");
}

// The command's arguments are left unparsed (its own help included) for bin/recis-torch.
void setup_delegated(CLI::App& command) {
  command.prefix_command();
  command.set_help_flag();
  command.callback(exec_torch_executable);
}

const bool registered = [] {
  for (const TorchCommand& command : kTorchCommands) {
    CommandRegistrar({command.name, command.description, setup_delegated});
  }
  return true;
}();

}  // namespace
}  // namespace recis::cli

int main(int argc, char** argv) {
  recis::cli::g_argv = argv;
  return recis::cli::run_cli(argc, argv, nullptr);
}

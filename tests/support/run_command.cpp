#include "support/run_command.h"

#include <sys/wait.h>

#include <cstdlib>

#include "recis/common/error.h"
#include "support/test_support.h"

namespace recis::testing {

CommandResult run_command(const std::string& command_line) {
  TempDir scratch;
  const auto out_path = scratch / "stdout";
  const auto err_path = scratch / "stderr";
  const std::string full =
      "(" + command_line + ") >'" + out_path.string() + "' 2>'" + err_path.string() + "' </dev/null";
  const int status = std::system(full.c_str());
  if (status == -1) throw Error("cannot run: " + command_line);
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

std::filesystem::path recis_binary() {
  const char* dir = std::getenv("RECIS_BINARY_DIR");
  return std::filesystem::path(dir ? dir : RECIS_BINARY_DIR_DEFAULT) / "bin" / "recis";
}

}  // namespace recis::testing

// Runs a command line through /bin/sh and captures its exit code, stdout and stderr; used by tests
// that check the `recis` tool as a user meets it. Not thread-safe across tests sharing a TempDir.
#pragma once

#include <filesystem>
#include <string>

namespace recis::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CommandResult run_command(const std::string& command_line);

// The build's bin/recis; the RECIS_BINARY_DIR environment variable overrides the build directory.
std::filesystem::path recis_binary();

}  // namespace recis::testing

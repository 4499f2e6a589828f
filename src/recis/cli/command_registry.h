// The registry of `recis` subcommands. Each command's .cpp registers itself at static-init time
// (RECIS_REGISTER_COMMAND), and main() adds every registered command to the CLI11 app, so a new
// command is one new file. Commands signal failure by throwing recis::Error (exit 1) or
// recis::ConfigError (exit 2). Registration happens before main(); not for use afterwards.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace recis::cli {

struct CommandSpec {
  std::string name;
  std::string description;
  // Adds the subcommand's options to `command` and sets its callback.
  std::function<void(CLI::App& command)> setup;
};

std::vector<CommandSpec>& registered_commands();

struct CommandRegistrar {
  explicit CommandRegistrar(CommandSpec spec);
};

}  // namespace recis::cli

#define RECIS_CLI_CONCAT_INNER(a, b) a##b
#define RECIS_CLI_CONCAT(a, b) RECIS_CLI_CONCAT_INNER(a, b)
#define RECIS_REGISTER_COMMAND(NAME, DESCRIPTION, SETUP)                           \
  static const ::recis::cli::CommandRegistrar RECIS_CLI_CONCAT(command_registrar_, \
                                                               __LINE__)({NAME, DESCRIPTION, SETUP})

#include "recis/cli/command_registry.h"

#include <algorithm>

namespace recis::cli {

std::vector<CommandSpec>& registered_commands() {
  static std::vector<CommandSpec> commands;
  return commands;
}

CommandRegistrar::CommandRegistrar(CommandSpec spec) {
  auto& commands = registered_commands();
  const auto position = std::lower_bound(
      commands.begin(), commands.end(), spec.name,
      [](const CommandSpec& existing, const std::string& name) { return existing.name < name; });
  commands.insert(position, std::move(spec));
}

}  // namespace recis::cli

// `recis orc SUBCOMMAND`: the ORC tools. orc_command.cpp registers `orc` with cat, scan and meta;
// other files add subcommands (e.g. `recis orc from-csv`) with RECIS_REGISTER_ORC_SUBCOMMAND,
// at static-init time like RECIS_REGISTER_COMMAND. Not for use after main() starts.
#pragma once

#include <vector>

#include "recis/cli/command_registry.h"

namespace recis::cli {

std::vector<CommandSpec>& registered_orc_subcommands();

struct OrcSubcommandRegistrar {
  explicit OrcSubcommandRegistrar(CommandSpec spec);
};

}  // namespace recis::cli

#define RECIS_REGISTER_ORC_SUBCOMMAND(NAME, DESCRIPTION, SETUP)                              \
  static const ::recis::cli::OrcSubcommandRegistrar RECIS_CLI_CONCAT(orc_subcommand_registrar_, \
                                                                     __LINE__)({NAME, DESCRIPTION, SETUP})

// The `recis` command line shared by both executables: parses the common flags (--log-level,
// --threads; before or after the subcommand), sizes the thread budget, dispatches to the
// registered subcommands and turns errors into one line on stderr with exit code 2 (usage,
// configuration) or 1 (runtime). Called once from main() by bin/recis (the torch-free front end)
// and bin/recis-torch (every command).
#pragma once

#include <cstddef>

namespace recis::cli {

// size_compute: applies the thread budget to what the executable links (libtorch's intra-op
// threads, OpenBLAS); null when there is nothing to size.
int run_cli(int argc, char** argv, void (*size_compute)(std::size_t threads));

}  // namespace recis::cli

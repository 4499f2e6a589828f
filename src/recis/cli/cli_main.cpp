#include "recis/cli/cli_main.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

#include "recis/cli/command_registry.h"
#include "recis/common/allocator_tuning.h"
#include "recis/common/error.h"
#include "recis/common/logging.h"
#include "recis/common/threads.h"

namespace recis::cli {
namespace {

constexpr int kRuntimeError = 1;
constexpr int kUsageError = 2;

// The flags every command takes, before or after its subcommand's name.
struct CommonFlags {
  std::string log_level = "info";
  std::size_t threads = 0;
};

void add_common_flags(CLI::App& app, CommonFlags& flags) {
  app.add_option("--log-level", flags.log_level, "debug | info | warning | error | off")
      ->capture_default_str();
  app.add_option("--threads", flags.threads,
                 "compute and IO threads (default: the CPUs available, or RECIS_THREADS)");
}

// A subcommand and those nested in it (`orc cat`) take the common flags too, bound to the same
// values; without it, `recis train --config f --threads 1` is refused. A command that parses its
// own flags from its extras (`bench`, where `--threads` may mean the bench's own) keeps them.
void add_common_flags_below(CLI::App& command, CommonFlags& flags) {
  if (command.get_allow_extras()) return;
  add_common_flags(command, flags);
  for (CLI::App* nested : command.get_subcommands({})) add_common_flags_below(*nested, flags);
}

int parse_and_run(int argc, char** argv, void (*size_compute)(std::size_t)) {
  CLI::App app{"RecIS: training for ultra-large sparse models (recommendation, ads, search)",
               "recis"};
  app.set_version_flag("--version", std::string("recis ") + RECIS_VERSION);
  app.require_subcommand(1);

  CommonFlags common;
  add_common_flags(app, common);
  app.parse_complete_callback([&] {
    log::set_level(log::parse_level(common.log_level));
    if (common.threads > 0) set_configured_threads(common.threads);
    RECIS_LOG(Debug) << "threads: " << configured_threads();
    if (size_compute) size_compute(configured_threads());
  });

  for (const auto& spec : registered_commands()) {
    CLI::App* command = app.add_subcommand(spec.name, spec.description);
    spec.setup(*command);
    add_common_flags_below(*command, common);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "recis: %s\n", e.what());
    return kUsageError;
  }
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv, void (*size_compute)(std::size_t threads)) {
  keep_freed_memory_mapped();
  try {
    return parse_and_run(argc, argv, size_compute);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "recis: %s\n", e.what());
    return kUsageError;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "recis: %s\n", e.what());
    return kRuntimeError;
  }
}

}  // namespace recis::cli

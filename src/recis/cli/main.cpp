// `recis`: the command-line tool. Parses the common flags, sizes the thread budget, dispatches to
// the registered subcommands and turns errors into one line on stderr with exit code 2 (usage,
// configuration) or 1 (runtime).
#include <ATen/Parallel.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <string>

#include "recis/cli/command_registry.h"
#include "recis/common/allocator_tuning.h"
#include "recis/common/blas_threads.h"
#include "recis/common/error.h"
#include "recis/common/logging.h"
#include "recis/common/threads.h"

namespace {

constexpr int kRuntimeError = 1;
constexpr int kUsageError = 2;

int run(int argc, char** argv) {
  CLI::App app{"RecIS: training for ultra-large sparse models (recommendation, ads, search)",
               "recis"};
  app.set_version_flag("--version", std::string("recis ") + RECIS_VERSION);
  app.require_subcommand(1);

  std::string log_level = "info";
  std::size_t threads = 0;
  app.add_option("--log-level", log_level, "debug | info | warning | error | off")
      ->capture_default_str();
  app.add_option("--threads", threads,
                 "compute and IO threads (default: the CPUs available, or RECIS_THREADS)");
  app.parse_complete_callback([&] {
    recis::log::set_level(recis::log::parse_level(log_level));
    if (threads > 0) recis::set_configured_threads(threads);
    at::set_num_threads(static_cast<int>(recis::configured_threads()));
    recis::size_blas_threads(recis::configured_threads());
  });

  for (const auto& spec : recis::cli::registered_commands()) {
    CLI::App* command = app.add_subcommand(spec.name, spec.description);
    spec.setup(*command);
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

int main(int argc, char** argv) {
  recis::keep_freed_memory_mapped();
  try {
    return run(argc, argv);
  } catch (const recis::ConfigError& e) {
    std::fprintf(stderr, "recis: %s\n", e.what());
    return kUsageError;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "recis: %s\n", e.what());
    return kRuntimeError;
  }
}

// `recis bench NAME [ARGS...]`: runs one registered end-to-end benchmark; `recis bench --list`
// names them.
#include <cstdio>
#include <string>
#include <vector>

#include "bench_registry.h"
#include "recis/cli/command_registry.h"
#include "recis/cli/torch_commands.h"
#include "recis/common/error.h"

namespace recis::cli {
namespace {

struct BenchOptions {
  std::string name;
  std::vector<std::string> args;  // everything after NAME, passed through to the bench
  bool list = false;
};

void setup_bench(CLI::App& command) {
  auto options = std::make_shared<BenchOptions>();
  command.add_flag("--list", options->list, "list the benchmarks");
  command.add_option("name", options->name, "benchmark to run");
  command.allow_extras();
  command.callback([options, &command] {
    options->args = command.remaining();
    const auto& benches = bench::registered_benches();
    if (options->list || options->name.empty()) {
      for (const auto& spec : benches) {
        std::printf("%-16s %s\n", spec.name.c_str(), spec.description.c_str());
      }
      return;
    }
    for (const auto& spec : benches) {
      if (spec.name != options->name) continue;
      const int code = spec.run(options->args);
      if (code != 0) throw Error("bench " + spec.name + " failed with code " + std::to_string(code));
      return;
    }
    throw ConfigError("no benchmark named '" + options->name + "' (recis bench --list names them)");
  });
}

RECIS_REGISTER_COMMAND(kBenchCommand.name, kBenchCommand.description, setup_bench);

}  // namespace
}  // namespace recis::cli

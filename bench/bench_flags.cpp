#include "bench_flags.h"

#include <charconv>
#include <stdexcept>

#include "recis/common/error.h"

namespace recis::bench {

int64_t parse_positive_integer(const std::string& text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1) {
    throw std::invalid_argument("expected a positive integer");
  }
  return value;
}

void parse_bench_flags(const std::string& bench, const std::vector<std::string>& args,
                       const std::vector<BenchFlag>& flags) {
  std::string names;
  for (const auto& flag : flags) names += (names.empty() ? "" : ", ") + flag.name;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const BenchFlag* match = nullptr;
    for (const auto& flag : flags) {
      if (flag.name == args[i]) match = &flag;
    }
    if (!match) {
      throw ConfigError("bench " + bench + ": unknown argument '" + args[i] + "' (flags: " + names +
                        ")");
    }
    if (!match->takes_value) {
      match->set("");
      continue;
    }
    if (i + 1 >= args.size()) throw ConfigError("bench " + bench + ": " + args[i] + " needs a value");
    do {
      const std::string& value = args[++i];
      try {
        match->set(value);
      } catch (const std::exception& e) {
        throw ConfigError("bench " + bench + ": " + match->name + " '" + value + "': " + e.what());
      }
    } while (match->takes_many && i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0);
  }
}

}  // namespace recis::bench

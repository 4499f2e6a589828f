#include "recis/dist/dist_env.h"

#include <charconv>
#include <cstdlib>
#include <optional>

#include "recis/common/error.h"

namespace recis::dist {
namespace {

std::optional<std::string> variable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

int64_t integer_variable(const char* name, const std::string& text, int64_t min, int64_t max) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    throw ConfigError(std::string("environment ") + name + "='" + text +
                      "': expected an integer in [" + std::to_string(min) + ", " +
                      std::to_string(max) + "]");
  }
  return value;
}

}  // namespace

DistEnv dist_env_from_environment() {
  DistEnv env;
  const auto rank = variable("RANK");
  const auto world = variable("WORLD_SIZE");
  if (!rank && !world) return env;
  if (!rank || !world) {
    throw ConfigError(std::string("environment: ") + (rank ? "RANK" : "WORLD_SIZE") +
                      " is set but " + (rank ? "WORLD_SIZE" : "RANK") +
                      " is not; a distributed run needs both (torchrun and recis launch set them)");
  }
  env.world_size = static_cast<int>(integer_variable("WORLD_SIZE", *world, 1, 65536));
  env.rank = static_cast<int>(integer_variable("RANK", *rank, 0, env.world_size - 1));
  if (const auto local = variable("LOCAL_RANK")) {
    env.local_rank = static_cast<int>(integer_variable("LOCAL_RANK", *local, 0, env.world_size - 1));
  }
  env.local_world_size = env.world_size;
  if (const auto local_world = variable("LOCAL_WORLD_SIZE")) {
    env.local_world_size =
        static_cast<int>(integer_variable("LOCAL_WORLD_SIZE", *local_world, 1, env.world_size));
  }
  if (const auto addr = variable("MASTER_ADDR")) env.master_addr = *addr;
  if (const auto port = variable("MASTER_PORT")) {
    env.master_port = static_cast<uint16_t>(integer_variable("MASTER_PORT", *port, 1, 65535));
  }
  env.agent_store = variable("TORCHELASTIC_USE_AGENT_STORE").value_or("") == "True";
  if (const auto restarts = variable("TORCHELASTIC_RESTART_COUNT")) {
    env.restart_count =
        static_cast<int>(integer_variable("TORCHELASTIC_RESTART_COUNT", *restarts, 0, 1 << 30));
  }
  return env;
}

}  // namespace recis::dist

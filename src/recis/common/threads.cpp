#include "recis/common/threads.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>

#include "recis/common/error.h"
#include "recis/common/thread_pool.h"

namespace recis {
namespace {

std::size_t from_environment() {
  const char* env = std::getenv("RECIS_THREADS");
  if (!env || !*env) return 0;
  char* end = nullptr;
  const long value = std::strtol(env, &end, 10);
  if (*end != '\0' || value < 1 || value > 4096) {
    throw ConfigError(std::string("RECIS_THREADS='") + env + "' is not a thread count in 1..4096");
  }
  return static_cast<std::size_t>(value);
}

// Processes sharing this machine in one job (torchrun and recis launch set LOCAL_WORLD_SIZE);
// each gets its share of the CPUs so ranks do not oversubscribe them.
std::size_t local_processes() {
  const char* env = std::getenv("LOCAL_WORLD_SIZE");
  if (!env || !*env) return 1;
  char* end = nullptr;
  const long value = std::strtol(env, &end, 10);
  return *end == '\0' && value >= 1 ? static_cast<std::size_t>(value) : 1;
}

std::atomic<std::size_t> g_threads{0};

}  // namespace

std::size_t configured_threads() {
  if (const std::size_t set = g_threads.load()) return set;
  if (const std::size_t env = from_environment()) return env;
  return std::max<std::size_t>(1, available_cpus() / local_processes());
}

void set_configured_threads(std::size_t threads) { g_threads.store(threads); }

}  // namespace recis

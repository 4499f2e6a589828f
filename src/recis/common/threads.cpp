#include "recis/common/threads.h"

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

std::atomic<std::size_t> g_threads{0};

}  // namespace

std::size_t configured_threads() {
  if (const std::size_t set = g_threads.load()) return set;
  if (const std::size_t env = from_environment()) return env;
  return available_cpus();
}

void set_configured_threads(std::size_t threads) { g_threads.store(threads); }

}  // namespace recis

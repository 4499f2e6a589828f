#include "recis/common/logging.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "recis/common/error.h"

namespace recis::log {
namespace {

std::atomic<Level> g_level{Level::Info};
std::mutex g_write_mutex;

const char* level_tag(Level level) {
  switch (level) {
    case Level::Debug: return "D";
    case Level::Info: return "I";
    case Level::Warning: return "W";
    case Level::Error: return "E";
    case Level::Off: break;
  }
  return "?";
}

}  // namespace

void set_level(Level level) { g_level.store(level); }
Level level() { return g_level.load(); }
bool enabled(Level l) { return l >= g_level.load() && l != Level::Off; }

Level parse_level(std::string_view name) {
  if (name == "debug") return Level::Debug;
  if (name == "info") return Level::Info;
  if (name == "warning" || name == "warn") return Level::Warning;
  if (name == "error") return Level::Error;
  if (name == "off") return Level::Off;
  throw ConfigError("log level '" + std::string(name) +
                    "' is not one of debug, info, warning, error, off");
}

Line::~Line() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm local{};
  localtime_r(&seconds, &local);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%H:%M:%S", &local);
  std::lock_guard<std::mutex> lock(g_write_mutex);
  std::fprintf(stderr, "[%s %s] %s\n", level_tag(level_), stamp, stream_.str().c_str());
}

}  // namespace recis::log

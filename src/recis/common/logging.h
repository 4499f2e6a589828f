// Leveled logging to stderr: RECIS_LOG(Info) << "read " << n << " rows";
// The level is process-wide (set by the CLI's --log-level). Thread-safe: each statement is
// written as one line under a lock.
#pragma once

#include <sstream>
#include <string_view>

namespace recis::log {

enum class Level { Debug = 0, Info = 1, Warning = 2, Error = 3, Off = 4 };

void set_level(Level level);
Level level();
bool enabled(Level level);

// Parses "debug" | "info" | "warning" | "error" | "off"; throws ConfigError otherwise.
Level parse_level(std::string_view name);

// Collects one message and writes it when destroyed.
class Line {
 public:
  explicit Line(Level level) : level_(level) {}
  ~Line();
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;

  template <typename T>
  Line& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

 private:
  Level level_;
  std::ostringstream stream_;
};

}  // namespace recis::log

#define RECIS_LOG(LEVEL)                                      \
  if (!::recis::log::enabled(::recis::log::Level::LEVEL)) {   \
  } else                                                      \
    ::recis::log::Line(::recis::log::Level::LEVEL)

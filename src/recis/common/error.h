// recis::Error and its subclasses: every failure a user can act on. The message names the thing
// (file, column, key, feature) and what was expected; the CLI prints it as one line.
// Thread-safety: plain value types.
#pragma once

#include <stdexcept>
#include <string>

namespace recis {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A bad configuration value or command-line argument (CLI exit code 2).
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A file or directory that cannot be opened, read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

}  // namespace recis

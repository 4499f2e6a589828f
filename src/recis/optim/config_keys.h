// ConfigKeys: typed reads of one TOML table's keys for the optimizer factories. Every error
// names the context and key; check_all_read() rejects keys no reader asked for (typos).
// Internal to src/recis/optim. Not thread-safe (one reader per table).
#pragma once

#include <toml++/toml.h>

#include <set>
#include <string>

namespace recis::optim {

class ConfigKeys {
 public:
  ConfigKeys(const toml::table& table, std::string context);

  [[noreturn]] void fail(const std::string& what) const;
  std::string string(const std::string& key, const std::string& fallback);
  double number(const std::string& key, double fallback);
  // Marks a key as handled elsewhere.
  void skip(const std::string& key) { read_.insert(key); }
  void check_all_read() const;
  const std::string& context() const { return context_; }

 private:
  const toml::table& table_;
  std::string context_;
  std::set<std::string> read_;
};

}  // namespace recis::optim

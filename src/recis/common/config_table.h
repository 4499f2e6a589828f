// ConfigTable: a typed, checked view of one TOML table of a config file. Getters name the key's
// full path in every error ("run.toml: model.hidden: expected an array of positive integers"),
// optional keys take a default, and check_all_read() rejects keys nobody asked for (typos).
// Used by every config reader: features (feature_config), the experiment config (train), models.
// Thread-safety: none; one reader per table, on one thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace toml {
inline namespace v3 {
class table;
class node;
class array;
}  // namespace v3
}  // namespace toml

namespace recis {

// Parses TOML text; a syntax error is a ConfigError "source:line:column: what".
toml::table parse_toml(std::string_view text, const std::string& source);
// A config file's text; IoError "cannot open <what> <path>" when unreadable.
std::string read_config_file(const std::filesystem::path& path, const std::string& what);

class ConfigTable {
 public:
  // `source` names the file; `path` the table's dotted position in it ("" for the root).
  ConfigTable(const toml::table& table, std::string source, std::string path);

  // "source: path.key: what" as a ConfigError.
  [[noreturn]] void fail(std::string_view key, const std::string& what) const;
  std::string key_path(std::string_view key) const;

  bool has(std::string_view key) const;
  void mark_read(std::string_view key) { read_.insert(std::string(key)); }

  std::string string(std::string_view key);
  std::string string_or(std::string_view key, std::string fallback);
  int64_t integer(std::string_view key);
  int64_t integer_or(std::string_view key, int64_t fallback);
  // integer_or that also requires value >= minimum.
  int64_t integer_at_least(std::string_view key, int64_t fallback, int64_t minimum);
  double number(std::string_view key);
  double number_or(std::string_view key, double fallback);
  bool boolean(std::string_view key);
  bool boolean_or(std::string_view key, bool fallback);
  std::vector<std::string> strings(std::string_view key);
  std::vector<int64_t> integers(std::string_view key);
  std::vector<double> numbers(std::string_view key);

  // A nested table (must be one).
  ConfigTable table(std::string_view key);
  // An array of tables ([[key]]), each with its path "key[i]".
  std::vector<ConfigTable> tables(std::string_view key);
  const toml::table& raw() const { return table_; }
  const std::string& path() const { return path_; }
  const std::string& source() const { return source_; }

  // Throws ConfigError naming the first key no getter read.
  void check_all_read() const;

 private:
  const toml::node& find(std::string_view key, const char* expected);
  const toml::array& array(std::string_view key);
  double as_number(const toml::node& node, std::string_view key) const;

  const toml::table& table_;
  std::string source_;
  std::string path_;
  std::set<std::string> read_;
};

}  // namespace recis

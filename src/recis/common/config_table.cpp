#include "recis/common/config_table.h"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "recis/common/error.h"

namespace recis {
namespace {

std::string describe(const toml::node& node) {
  std::ostringstream out;
  node.visit([&out](const auto& value) { out << value; });
  std::string text = out.str();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

}  // namespace

toml::table parse_toml(std::string_view text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    throw ConfigError(source + ":" + std::to_string(begin.line) + ":" +
                      std::to_string(begin.column) + ": " + std::string(error.description()));
  }
}

std::string read_config_file(const std::filesystem::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + what + " " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ConfigTable::ConfigTable(const toml::table& table, std::string source, std::string path)
    : table_(table), source_(std::move(source)), path_(std::move(path)) {}

std::string ConfigTable::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void ConfigTable::fail(std::string_view key, const std::string& what) const {
  throw ConfigError(source_ + ": " + (key.empty() ? path_ : key_path(key)) + ": " + what);
}

bool ConfigTable::has(std::string_view key) const { return table_.contains(key); }

const toml::node& ConfigTable::find(std::string_view key, const char* expected) {
  const toml::node* node = table_.get(key);
  if (!node) fail(key, std::string("missing; expected ") + expected);
  read_.insert(std::string(key));
  return *node;
}

std::string ConfigTable::string(std::string_view key) {
  const toml::node& node = find(key, "a string");
  if (!node.is_string()) fail(key, "expected a string, got " + describe(node));
  return node.value<std::string>().value();
}

std::string ConfigTable::string_or(std::string_view key, std::string fallback) {
  return has(key) ? string(key) : std::move(fallback);
}

int64_t ConfigTable::integer(std::string_view key) {
  const toml::node& node = find(key, "an integer");
  if (!node.is_integer()) fail(key, "expected an integer, got " + describe(node));
  return node.value<int64_t>().value();
}

int64_t ConfigTable::integer_or(std::string_view key, int64_t fallback) {
  return has(key) ? integer(key) : fallback;
}

int64_t ConfigTable::integer_at_least(std::string_view key, int64_t fallback, int64_t minimum) {
  const int64_t value = integer_or(key, fallback);
  if (value < minimum) {
    fail(key, "expected an integer >= " + std::to_string(minimum) + ", got " +
                  std::to_string(value));
  }
  return value;
}

double ConfigTable::as_number(const toml::node& node, std::string_view key) const {
  if (node.is_integer()) return static_cast<double>(node.value<int64_t>().value());
  if (node.is_floating_point()) return node.value<double>().value();
  fail(key, "expected a number, got " + describe(node));
}

double ConfigTable::number(std::string_view key) { return as_number(find(key, "a number"), key); }

double ConfigTable::number_or(std::string_view key, double fallback) {
  return has(key) ? number(key) : fallback;
}

bool ConfigTable::boolean(std::string_view key) {
  const toml::node& node = find(key, "true or false");
  if (!node.is_boolean()) fail(key, "expected true or false, got " + describe(node));
  return node.value<bool>().value();
}

bool ConfigTable::boolean_or(std::string_view key, bool fallback) {
  return has(key) ? boolean(key) : fallback;
}

const toml::array& ConfigTable::array(std::string_view key) {
  const toml::node& node = find(key, "an array");
  if (!node.is_array()) fail(key, "expected an array, got " + describe(node));
  return *node.as_array();
}

std::vector<std::string> ConfigTable::strings(std::string_view key) {
  std::vector<std::string> out;
  for (const auto& item : array(key)) {
    if (!item.is_string()) fail(key, "expected an array of strings, got " + describe(item));
    out.push_back(item.value<std::string>().value());
  }
  return out;
}

std::vector<int64_t> ConfigTable::integers(std::string_view key) {
  std::vector<int64_t> out;
  for (const auto& item : array(key)) {
    if (!item.is_integer()) fail(key, "expected an array of integers, got " + describe(item));
    out.push_back(item.value<int64_t>().value());
  }
  return out;
}

std::vector<double> ConfigTable::numbers(std::string_view key) {
  std::vector<double> out;
  for (const auto& item : array(key)) out.push_back(as_number(item, key));
  return out;
}

ConfigTable ConfigTable::table(std::string_view key) {
  const toml::node& node = find(key, "a table");
  if (!node.is_table()) fail(key, "expected a table, got " + describe(node));
  return ConfigTable(*node.as_table(), source_, key_path(key));
}

std::vector<ConfigTable> ConfigTable::tables(std::string_view key) {
  std::vector<ConfigTable> out;
  const toml::array& items = array(key);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string path = key_path(key) + "[" + std::to_string(i) + "]";
    if (!items[i].is_table()) {
      throw ConfigError(source_ + ": " + path + ": expected a table, got " + describe(items[i]));
    }
    out.emplace_back(*items[i].as_table(), source_, path);
  }
  return out;
}

void ConfigTable::check_all_read() const {
  for (const auto& [key, node] : table_) {
    if (!read_.count(std::string(key.str()))) fail(key.str(), "unknown key");
  }
}

}  // namespace recis

#include "recis/optim/config_keys.h"

#include "recis/common/error.h"

namespace recis::optim {

ConfigKeys::ConfigKeys(const toml::table& table, std::string context)
    : table_(table), context_(std::move(context)) {}

void ConfigKeys::fail(const std::string& what) const { throw ConfigError(context_ + ": " + what); }

std::string ConfigKeys::string(const std::string& key, const std::string& fallback) {
  read_.insert(key);
  const toml::node* node = table_.get(key);
  if (!node) return fallback;
  if (!node->is_string()) fail("'" + key + "' must be a string");
  return node->value<std::string>().value();
}

double ConfigKeys::number(const std::string& key, double fallback) {
  read_.insert(key);
  const toml::node* node = table_.get(key);
  if (!node) return fallback;
  if (node->is_integer()) return static_cast<double>(node->value<int64_t>().value());
  if (node->is_floating_point()) return node->value<double>().value();
  fail("'" + key + "' must be a number");
}

void ConfigKeys::check_all_read() const {
  for (const auto& [key, node] : table_) {
    if (!read_.count(std::string(key.str()))) {
      fail("unknown key '" + std::string(key.str()) + "'");
    }
  }
}

}  // namespace recis::optim

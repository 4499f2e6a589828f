#include "recis/models/config_reader.h"

#include <algorithm>
#include <sstream>

#include "recis/common/error.h"

namespace recis::models {
namespace {

std::string printed(const toml::node& node) {
  std::ostringstream out;
  out << toml::node_view<const toml::node>(&node);
  return out.str();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string schema_names(const InputSchema& schema) {
  std::vector<std::string> names;
  for (const auto& embedding : schema.embeddings) names.push_back(embedding.name);
  return names.empty() ? "none" : joined(names);
}

}  // namespace

ConfigReader::ConfigReader(const toml::table& table, std::string prefix)
    : table_(table), prefix_(std::move(prefix)) {}

void ConfigReader::fail(const std::string& key, const std::string& what) const {
  throw ConfigError(prefix_ + "." + key + ": " + what);
}

void ConfigReader::fail_got(const std::string& key, const std::string& expected,
                            const toml::node& seen) const {
  fail(key, "expected " + expected + ", got " + printed(seen));
}

const toml::node* ConfigReader::find(const std::string& key) {
  read_.insert(key);
  return table_.get(key);
}

std::string ConfigReader::string(const std::string& key) {
  const toml::node* node = find(key);
  if (!node) fail(key, "missing (expected a string)");
  if (!node->is_string()) fail_got(key, "a string", *node);
  return node->value<std::string>().value();
}

std::string ConfigReader::choice(const std::string& key, const std::string& fallback,
                                 const std::vector<std::string>& allowed) {
  const toml::node* node = find(key);
  if (!node) return fallback;
  const std::string expected = "one of " + joined(allowed);
  if (!node->is_string()) fail_got(key, expected, *node);
  std::string value = node->value<std::string>().value();
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    fail_got(key, expected, *node);
  }
  return value;
}

int64_t ConfigReader::integer(const std::string& key, int64_t fallback, int64_t minimum,
                              int64_t maximum) {
  const toml::node* node = find(key);
  if (!node) return fallback;
  const std::string expected =
      "an integer in [" + std::to_string(minimum) + ", " + std::to_string(maximum) + "]";
  if (!node->is_integer()) fail_got(key, expected, *node);
  const int64_t value = node->value<int64_t>().value();
  if (value < minimum || value > maximum) fail_got(key, expected, *node);
  return value;
}

double ConfigReader::number(const std::string& key, double fallback, double low, double high) {
  const toml::node* node = find(key);
  if (!node) return fallback;
  std::ostringstream expected;
  expected << "a number in [" << low << ", " << high << ")";
  if (!node->is_number()) fail_got(key, expected.str(), *node);
  const double value = node->is_integer() ? static_cast<double>(node->value<int64_t>().value())
                                          : node->value<double>().value();
  if (!(value >= low && value < high)) fail_got(key, expected.str(), *node);
  return value;
}

std::vector<int64_t> ConfigReader::layer_sizes(const std::string& key,
                                               std::vector<int64_t> fallback) {
  const toml::node* node = find(key);
  if (!node) return fallback;
  const std::string expected = "a list of positive integers up to " + std::to_string(kMaxLayerSize);
  const toml::array* array = node->as_array();
  if (!array) fail_got(key, expected, *node);
  std::vector<int64_t> sizes;
  for (const toml::node& item : *array) {
    const int64_t size = item.value_exact<int64_t>().value_or(0);
    if (size <= 0 || size > kMaxLayerSize) fail_got(key, expected, *node);
    sizes.push_back(size);
  }
  return sizes;
}

std::vector<EmbeddingInfo> ConfigReader::embeddings(const std::string& key,
                                                    const InputSchema& schema,
                                                    std::vector<EmbeddingInfo> fallback) {
  const toml::node* node = find(key);
  if (!node) return fallback;
  const std::string expected = "a list of embedding names";
  const toml::array* array = node->as_array();
  if (!array) fail_got(key, expected, *node);
  std::vector<EmbeddingInfo> found;
  std::vector<std::string> unknown;
  std::set<std::string> seen;
  for (const toml::node& item : *array) {
    if (!item.is_string()) fail_got(key, expected, *node);
    const std::string name = item.value<std::string>().value();
    if (!seen.insert(name).second) fail(key, "'" + name + "' is listed twice");
    if (const EmbeddingInfo* info = schema.find(name)) {
      found.push_back(*info);
    } else {
      unknown.push_back("'" + name + "'");
    }
  }
  if (!unknown.empty()) {
    fail(key, "no embedding named " + joined(unknown) + " (inputs: " + schema_names(schema) + ")");
  }
  return found;
}

EmbeddingInfo ConfigReader::embedding(const std::string& key, const InputSchema& schema) {
  const std::string name = string(key);
  const EmbeddingInfo* info = schema.find(name);
  if (!info) {
    fail(key, "no embedding named '" + name + "' (inputs: " + schema_names(schema) + ")");
  }
  return *info;
}

void ConfigReader::require_pooled(const std::string& key,
                                  const std::vector<EmbeddingInfo>& embeddings,
                                  const std::string& part) const {
  for (const auto& info : embeddings) {
    if (info.is_sequence()) {
      fail(key, "'" + info.name + "' is a sequence [B, " + std::to_string(info.sequence_length) +
                    ", " + std::to_string(info.dim) + "]; " + part +
                    " needs pooled [B, dim] embeddings");
    }
  }
}

void ConfigReader::require_dim(const std::string& key, const std::vector<EmbeddingInfo>& embeddings,
                               int64_t dim, const std::string& part) const {
  for (const auto& info : embeddings) {
    if (info.dim != dim) {
      fail(key, "'" + info.name + "' has dim " + std::to_string(info.dim) + "; " + part +
                    " needs dim " + std::to_string(dim));
    }
  }
}

void ConfigReader::check_all_read(const std::string& type) const {
  for (const auto& [key, node] : table_) {
    const std::string name(key.str());
    if (!read_.count(name)) {
      fail(name, "unknown key for a \"" + type + "\" model (known: " +
                     joined(std::vector<std::string>(read_.begin(), read_.end())) + ")");
    }
  }
}

}  // namespace recis::models

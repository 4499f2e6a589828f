#include "recis/feature/feature_config.h"

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "recis/common/error.h"

namespace recis::feature {
namespace {

// One op table being read: typed getters that name the op in every error, and a check that no
// key was left unread (a typo).
class OpTable {
 public:
  OpTable(const toml::table& table, std::string context)
      : table_(table), context_(std::move(context)) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw ConfigError(context_ + ": " + what);
  }

  bool has(const std::string& key) const { return table_.contains(key); }

  std::string string(const std::string& key) {
    const auto* node = find(key, "a string");
    if (!node->is_string()) fail("'" + key + "' must be a string");
    return node->value<std::string>().value();
  }
  int64_t integer(const std::string& key) {
    const auto* node = find(key, "an integer");
    if (!node->is_integer()) fail("'" + key + "' must be an integer");
    return node->value<int64_t>().value();
  }
  double number(const std::string& key) { return as_number(*find(key, "a number"), key); }
  bool boolean(const std::string& key) {
    const auto* node = find(key, "true or false");
    if (!node->is_boolean()) fail("'" + key + "' must be true or false");
    return node->value<bool>().value();
  }
  std::vector<std::string> strings(const std::string& key) {
    std::vector<std::string> out;
    for (const auto& item : array(key)) {
      if (!item.is_string()) fail("'" + key + "' must be an array of strings");
      out.push_back(item.value<std::string>().value());
    }
    return out;
  }
  std::vector<int64_t> integers(const std::string& key) {
    std::vector<int64_t> out;
    for (const auto& item : array(key)) {
      if (!item.is_integer()) fail("'" + key + "' must be an array of integers");
      out.push_back(item.value<int64_t>().value());
    }
    return out;
  }
  std::vector<double> numbers(const std::string& key) {
    std::vector<double> out;
    for (const auto& item : array(key)) out.push_back(as_number(item, key));
    return out;
  }

  // Throws when the table has a key no getter asked for.
  void check_all_read() const {
    for (const auto& [key, node] : table_) {
      if (!read_.count(std::string(key.str()))) {
        fail("unknown key '" + std::string(key.str()) + "'");
      }
    }
  }

 private:
  const toml::node* find(const std::string& key, const std::string& expected) {
    const toml::node* node = table_.get(key);
    if (!node) fail("missing '" + key + "' (" + expected + ")");
    read_.insert(key);
    return node;
  }
  const toml::array& array(const std::string& key) {
    const auto* node = find(key, "an array");
    if (!node->is_array()) fail("'" + key + "' must be an array");
    return *node->as_array();
  }
  double as_number(const toml::node& node, const std::string& key) const {
    if (node.is_integer()) return static_cast<double>(node.value<int64_t>().value());
    if (node.is_floating_point()) return node.value<double>().value();
    fail("'" + key + "' must be a number");
  }

  const toml::table& table_;
  std::string context_;
  std::set<std::string> read_{"op"};
};

void add_op(Feature& feature, OpTable& table, const std::string& op) {
  if (op == "select") {
    if (table.has("columns")) {
      feature.select_fields(table.strings("columns"));
    } else {
      const std::string column = table.string("column");
      feature.select(column,
                     table.has("dim") ? std::optional<int>(table.integer("dim")) : std::nullopt);
    }
  } else if (op == "hash") {
    feature.hash(table.string("kind"));
  } else if (op == "mod") {
    feature.mod(table.integer("m"));
  } else if (op == "bucketize") {
    feature.bucketize(table.numbers("boundaries"));
  } else if (op == "cross") {
    feature.cross();
  } else if (op == "truncate") {
    const int64_t seq_len = table.integer("seq_len");
    const std::string side = table.has("side") ? table.string("side") : "left";
    const bool check_length = table.has("check_length") && table.boolean("check_length");
    const int64_t n_dims = table.has("n_dims") ? table.integer("n_dims") : 2;
    feature.truncate(seq_len, side, check_length, static_cast<int>(n_dims));
  } else if (op == "multi_hash") {
    feature.multi_hash(table.integers("num_buckets"));
  } else if (op == "log1p") {
    feature.log1p();
  } else if (op == "normalize") {
    const double mean = table.number("mean");
    feature.normalize(mean, table.number("std"));
  } else if (op == "fill_missing") {
    feature.fill_missing(table.number("value"));
  } else if (op == "clip") {
    const double lo = table.number("lo");
    feature.clip(lo, table.number("hi"));
  } else {
    table.fail("unknown op '" + op +
               "' (known: select, hash, mod, bucketize, cross, truncate, multi_hash, log1p, "
               "normalize, fill_missing, clip)");
  }
}

Feature read_feature(const toml::table& table, const std::string& where) {
  const auto name = table["name"].value<std::string>();
  if (!name) throw ConfigError(where + ": needs name = \"...\"");
  const std::string context = where + ": feature '" + *name + "'";
  for (const auto& [key, node] : table) {
    if (key.str() != "name" && key.str() != "ops") {
      throw ConfigError(context + ": unknown key '" + std::string(key.str()) + "'");
    }
  }
  const toml::array* ops = table["ops"].as_array();
  if (!ops) throw ConfigError(context + ": needs ops = [ { op = \"select\", ... }, ... ]");
  Feature feature(*name);
  for (std::size_t i = 0; i < ops->size(); ++i) {
    const std::string op_where = "feature '" + *name + "' op " + std::to_string(i);
    const toml::table* op_table = (*ops)[i].as_table();
    if (!op_table) {
      throw ConfigError(where + ": " + op_where +
                        ": must be a table like { op = \"mod\", m = 10 }");
    }
    const auto op = (*op_table)["op"].value<std::string>();
    if (!op) throw ConfigError(where + ": " + op_where + ": needs op = \"...\"");
    OpTable reader(*op_table, op_where + " (" + *op + ")");
    try {
      add_op(feature, reader, *op);
      reader.check_all_read();
    } catch (const ConfigError& error) {
      throw ConfigError(where + ": " + error.what());
    }
  }
  return feature;
}

}  // namespace

std::vector<Feature> features_from_toml(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    throw ConfigError(source + ":" + std::to_string(begin.line) + ":" +
                      std::to_string(begin.column) + ": " + std::string(error.description()));
  }
  for (const auto& [key, node] : root) {
    if (key.str() != "features") {
      throw ConfigError(source + ": unknown top-level key '" + std::string(key.str()) +
                        "' (expected [[features]] tables)");
    }
  }
  const toml::array* tables = root["features"].as_array();
  if (!tables) throw ConfigError(source + ": no [[features]] tables");
  std::vector<Feature> features;
  for (std::size_t i = 0; i < tables->size(); ++i) {
    const std::string where = source + ": features[" + std::to_string(i) + "]";
    const toml::table* table = (*tables)[i].as_table();
    if (!table) throw ConfigError(where + ": must be a table");
    features.push_back(read_feature(*table, where));
  }
  return features;
}

std::vector<Feature> features_from_toml_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open feature config " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return features_from_toml(text.str(), path.string());
}

}  // namespace recis::feature

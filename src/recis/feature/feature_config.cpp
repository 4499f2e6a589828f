#include "recis/feature/feature_config.h"

#include <toml++/toml.h>

#include <set>

#include "recis/common/config_table.h"
#include "recis/common/error.h"

namespace recis::feature {
namespace {

void add_op(Feature& feature, ConfigTable& table, const std::string& op) {
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
    table.fail("op", "unknown op '" + op +
               "' (known: select, hash, mod, bucketize, cross, truncate, multi_hash, log1p, "
               "normalize, fill_missing, clip)");
  }
}

Feature read_feature(ConfigTable& table) {
  const std::string name = table.string("name");
  Feature feature(name);
  std::vector<ConfigTable> ops = table.tables("ops");
  table.check_all_read();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    ConfigTable& op_table = ops[i];
    const std::string op = op_table.string("op");
    ConfigTable reader(op_table.raw(), table.source(),
                       table.key_path("ops") + "[" + std::to_string(i) + "] (" + op + ")");
    reader.mark_read("op");
    add_op(feature, reader, op);
    reader.check_all_read();
  }
  return feature;
}

}  // namespace

std::vector<Feature> features_from_config(std::vector<ConfigTable> tables) {
  std::vector<Feature> features;
  for (ConfigTable& table : tables) {
    try {
      features.push_back(read_feature(table));
    } catch (const ConfigError& error) {
      const std::string message = error.what();
      if (message.rfind(table.source() + ":", 0) == 0) throw;
      throw ConfigError(table.source() + ": " + table.path() + ": " + message);
    }
  }
  return features;
}

std::vector<Feature> features_from_toml(std::string_view text, const std::string& source) {
  toml::table root = parse_toml(text, source);
  ConfigTable config(root, source, "");
  if (!config.has("features")) {
    config.check_all_read();
    throw ConfigError(source + ": no [[features]] tables");
  }
  std::vector<Feature> features = features_from_config(config.tables("features"));
  config.check_all_read();
  return features;
}

std::vector<Feature> features_from_toml_file(const std::filesystem::path& path) {
  return features_from_toml(read_config_file(path, "feature config"), path.string());
}

}  // namespace recis::feature

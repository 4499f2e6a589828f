// Typed, checked reads of one model's [model] table. Every getter records its key, so
// check_all_read() can reject typos; every error is a recis::ConfigError that starts with the full
// key and says what was expected and what was seen:
//   model.hidden: expected a list of positive integers up to 65536, got [ 400, -1 ]
// Called by build_model() and by the factories of the models (built-in or registered by a user).
// Thread-safety: one reader per thread; it only reads the table.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "recis/models/model.h"

namespace recis::models {

class ConfigReader {
 public:
  // The largest layer size layer_sizes() accepts: no config can make a model allocate unbounded
  // weight matrices.
  static constexpr int64_t kMaxLayerSize = 65536;

  // `prefix` is the table's path in the config file ("model"); keys are reported as prefix.key.
  explicit ConfigReader(const toml::table& table, std::string prefix = "model");

  bool has(const std::string& key) const { return table_.contains(key); }

  // A required string.
  std::string string(const std::string& key);
  // An optional string that must be one of `allowed`.
  std::string choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& allowed);
  // An optional integer in [minimum, maximum].
  int64_t integer(const std::string& key, int64_t fallback, int64_t minimum, int64_t maximum);
  // An optional number in [low, high).
  double number(const std::string& key, double fallback, double low, double high);
  // An optional list of layer sizes, each in [1, kMaxLayerSize]; may be empty.
  std::vector<int64_t> layer_sizes(const std::string& key, std::vector<int64_t> fallback);

  // An optional list of embedding names, each in `schema`, without repeats; `fallback` when the
  // key is absent. Throws naming every unknown name and listing the schema's names.
  std::vector<EmbeddingInfo> embeddings(const std::string& key, const InputSchema& schema,
                                        std::vector<EmbeddingInfo> fallback);
  // A required embedding name that is in `schema`.
  EmbeddingInfo embedding(const std::string& key, const InputSchema& schema);

  // Throw ConfigError naming `key` unless every embedding is pooled ([B, dim]) / has dim `dim`.
  // `part` names what reads them ("the FM part").
  void require_pooled(const std::string& key, const std::vector<EmbeddingInfo>& embeddings,
                      const std::string& part) const;
  void require_dim(const std::string& key, const std::vector<EmbeddingInfo>& embeddings,
                   int64_t dim, const std::string& part) const;

  // Throws for the first key of the table that no getter read, listing the keys `type` accepts.
  void check_all_read(const std::string& type) const;

  // Throws ConfigError("prefix.key: what").
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

 private:
  const toml::node* find(const std::string& key);
  [[noreturn]] void fail_got(const std::string& key, const std::string& expected,
                             const toml::node& seen) const;

  const toml::table& table_;
  std::string prefix_;
  std::set<std::string> read_;
};

}  // namespace recis::models

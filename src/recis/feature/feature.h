// Feature: a named chain of ops, built in C++ with chained calls, e.g.
//   Feature("c1").select("c1").hash("farm").mod(1000003)
//   Feature("c1_x_c2").select_fields({"c1", "c2"}).cross().mod(1000)
// or read from TOML (feature_config.h). Each call checks its parameters at once (ConfigError
// naming the feature and op); check_chain() checks the chain's shape (the engine calls it).
// Thread-safety: a plain value; build it on one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "recis/feature/ops.h"

namespace recis::feature {

class Feature {
 public:
  explicit Feature(std::string name);

  Feature& select(const std::string& column, std::optional<int> dim = std::nullopt);
  // Several columns (the inputs of a cross).
  Feature& select_fields(const std::vector<std::string>& columns);
  Feature& hash(const std::string& kind);
  Feature& mod(int64_t m);
  Feature& bucketize(std::vector<double> boundaries);
  Feature& cross();
  Feature& truncate(int64_t seq_len, const std::string& side = "left", bool check_length = false,
                    int n_dims = 2);
  Feature& multi_hash(std::vector<int64_t> num_buckets);
  Feature& log1p();
  Feature& normalize(double mean, double std);
  Feature& fill_missing(double value);
  Feature& clip(double lo, double hi);
  // Appends any op (validated).
  Feature& add(Op op);

  const std::string& name() const { return name_; }
  const std::vector<Op>& ops() const { return ops_; }
  // Every op's signature joined: equal for features that compute the same thing.
  std::string signature() const;
  // The columns the first op selects.
  std::vector<std::string> input_columns() const;

  // Throws ConfigError unless: the first op (and only it) selects; several columns are followed
  // by cross and one column never is; multi_hash, if present, is last.
  void check_chain() const;

 private:
  std::string name_;
  std::vector<Op> ops_;
};

}  // namespace recis::feature

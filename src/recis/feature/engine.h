// feature::Engine: turns a Batch of raw columns into a Batch of features. Built from a list of
// Features (C++ or TOML, see docs/features.md), it compiles them into steps: step k runs every
// feature's k-th op, and all ops of one kind in a step run as one fused call over all those
// features (fused_kernels.h) instead of one call per feature. Features whose op chains are equal
// are computed once and their outputs shared; input columns no feature selects pass through.
// The output holds the passed-through columns in input order, then the features in definition
// order; a multi_hash feature F yields F_multi_hash_0, F_multi_hash_1, ...
// Errors: bad definitions throw ConfigError at construction; unknown columns and wrong dtypes
// throw ConfigError from run(), naming the feature and op.
// Thread-safety: run() may be called from several threads at once (the pool is shared).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "recis/common/thread_pool.h"
#include "recis/feature/feature.h"
#include "recis/ragged/batch.h"

namespace recis::feature {

enum class ExecutionMode {
  Fused,       // one kernel call per op kind per step (the default)
  PerFeature,  // one kernel call per feature and op: the baseline fused execution is checked
               // against
};

class Engine {
 public:
  // threads = 0: recis::configured_threads().
  explicit Engine(std::vector<Feature> features, std::size_t threads = 0);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  ragged::Batch run(const ragged::Batch& input, ExecutionMode mode = ExecutionMode::Fused) const;

  // Features as defined, and how many distinct ones are computed.
  const std::vector<Feature>& features() const { return features_; }
  std::size_t computed_feature_count() const { return computed_.size(); }
  std::size_t step_count() const { return steps_.size(); }
  // Output names in order, passed-through columns excluded.
  std::vector<std::string> output_names() const;

 private:
  struct Group {
    std::size_t kind;                   // the Op variant index
    std::vector<std::size_t> features;  // indexes into computed_
  };
  using Step = std::vector<Group>;

  void run_step(const Step& step, std::size_t op_index, ExecutionMode mode,
                std::vector<std::vector<ragged::Column>>& values) const;

  std::vector<Feature> features_;
  std::vector<std::size_t> computed_index_;  // per feature: its index in computed_
  std::vector<const Feature*> computed_;
  std::vector<Step> steps_;                // steps_[k - 1] runs op k (op 0 selects)
  std::vector<std::string> used_columns_;  // sorted
  std::unique_ptr<ThreadPool> pool_;
};

}  // namespace recis::feature

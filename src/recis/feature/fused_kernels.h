// The fused kernels: one function per op kind that runs that op for many features at once. The
// features' values form one index space (their values laid end to end), cut into chunks that the
// thread pool runs in parallel, so 200 small features cost one parallel pass, not 200. The engine
// calls them once per step and op kind (or once per feature, for the unfused baseline); the
// results are the same either way. Wrong input kinds or dtypes throw ConfigError naming the
// feature and op. Thread-safety: the kernels only read their inputs; call from one thread.
#pragma once

#include <string>
#include <vector>

#include "recis/common/thread_pool.h"
#include "recis/feature/ops.h"
#include "recis/ragged/batch.h"

namespace recis::feature {

// What flows between a feature's ops: one column; two after a select of two columns (the inputs
// of a cross); one per hash after multi_hash.
using FeatureValue = std::vector<ragged::Column>;

// One feature's use of an op in a fused call.
template <class OpT>
struct OpCall {
  const std::string* feature;
  const OpT* op;
  const FeatureValue* input;
};

std::vector<FeatureValue> run_fused(const std::vector<OpCall<HashOp>>& calls, ThreadPool& pool);
std::vector<FeatureValue> run_fused(const std::vector<OpCall<ModOp>>& calls, ThreadPool& pool);
std::vector<FeatureValue> run_fused(const std::vector<OpCall<BucketizeOp>>& calls,
                                    ThreadPool& pool);
std::vector<FeatureValue> run_fused(const std::vector<OpCall<CrossOp>>& calls, ThreadPool& pool);
std::vector<FeatureValue> run_fused(const std::vector<OpCall<TruncateOp>>& calls, ThreadPool& pool);
std::vector<FeatureValue> run_fused(const std::vector<OpCall<MultiHashOp>>& calls,
                                    ThreadPool& pool);
std::vector<FeatureValue> run_fused(const std::vector<OpCall<Log1pOp>>& calls, ThreadPool& pool);
std::vector<FeatureValue> run_fused(const std::vector<OpCall<NormalizeOp>>& calls,
                                    ThreadPool& pool);
std::vector<FeatureValue> run_fused(const std::vector<OpCall<FillMissingOp>>& calls,
                                    ThreadPool& pool);
std::vector<FeatureValue> run_fused(const std::vector<OpCall<ClipOp>>& calls, ThreadPool& pool);

}  // namespace recis::feature

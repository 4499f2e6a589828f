// What the fused kernels share: reading a feature's single column, its flat values, rebuilding a
// column around new values, dtype dispatch, and run_elementwise, the fused loop of every op that
// maps each value on its own (mod, bucketize, log1p, ...). Used only by the kernel_*.cpp files.
// Thread-safety: run_elementwise calls `apply` concurrently on disjoint pieces.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "recis/common/error.h"
#include "recis/feature/fused_kernels.h"
#include "recis/feature/segmented_pass.h"

namespace recis::feature {

template <class OpT>
std::string call_context(const OpCall<OpT>& call) {
  return op_context(*call.feature, Op(*call.op));
}

// The feature's one column (a cross's two-column input is not one).
template <class OpT>
const ragged::Column& only_column(const OpCall<OpT>& call) {
  if (call.input->size() != 1) {
    throw ConfigError(call_context(call) + ": takes one column, got " +
                      std::to_string(call.input->size()));
  }
  return call.input->front();
}
// Dense: the tensor flattened (contiguous); ragged: its values.
torch::Tensor flat_values(const ragged::Column& column);
// The column's shape (dense) or rows and weights (ragged) around `values`.
ragged::Column rebuild(const ragged::Column& like, torch::Tensor values);

bool is_integer_ids(torch::ScalarType type);  // int32, int64
bool is_floating(torch::ScalarType type);     // float32, float64
[[noreturn]] void fail_dtype(const std::string& context, const std::string& expected,
                             torch::ScalarType got);

// Calls fn(std::type_identity<T>{}) for T in int32_t, int64_t, float, double.
template <class Fn>
void visit_numeric(torch::ScalarType type, Fn&& fn) {
  switch (type) {
    case torch::kInt32: return fn(std::type_identity<int32_t>{});
    case torch::kInt64: return fn(std::type_identity<int64_t>{});
    case torch::kFloat32: return fn(std::type_identity<float>{});
    case torch::kFloat64: return fn(std::type_identity<double>{});
    default: throw Error("visit_numeric: unsupported dtype " + ragged::dtype_name(type));
  }
}

// For each call: values = flat_values(the one column); out = empty tensor of
// out_dtype(call, values dtype) (which throws for a dtype the op refuses); then one parallel pass
// over all calls' values runs apply(op, values, out, begin, end) and every output is rebuilt
// around `out`.
template <class OpT, class OutDtype, class Apply>
std::vector<FeatureValue> run_elementwise(const std::vector<OpCall<OpT>>& calls, ThreadPool& pool,
                                          OutDtype out_dtype, Apply apply) {
  std::vector<torch::Tensor> inputs;
  std::vector<torch::Tensor> outputs;
  std::vector<int64_t> lengths;
  for (const auto& call : calls) {
    const ragged::Column& column = only_column(call);
    torch::Tensor values = flat_values(column);
    outputs.push_back(torch::empty({values.numel()}, out_dtype(call, values.scalar_type())));
    lengths.push_back(values.numel());
    inputs.push_back(std::move(values));
  }
  parallel_over_segments(pool, lengths, kDefaultGrain,
                         [&](std::size_t s, int64_t begin, int64_t end) {
                           apply(*calls[s].op, inputs[s], outputs[s], begin, end);
                         });
  std::vector<FeatureValue> results;
  results.reserve(calls.size());
  for (std::size_t s = 0; s < calls.size(); ++s) {
    results.push_back({rebuild(calls[s].input->front(), outputs[s])});
  }
  return results;
}

}  // namespace recis::feature

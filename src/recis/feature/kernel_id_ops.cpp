// Fused mod, bucketize and multi_hash: value-by-value maps to int64 ids.
#include <algorithm>

#include "recis/feature/kernel_support.h"

namespace recis::feature {
namespace {

template <class OpT>
torch::ScalarType int64_from_ids(const OpCall<OpT>& call, torch::ScalarType in) {
  if (!is_integer_ids(in)) fail_dtype(call_context(call), "integer id (int64/int32)", in);
  return torch::kInt64;
}

}  // namespace

std::vector<FeatureValue> run_fused(const std::vector<OpCall<ModOp>>& calls, ThreadPool& pool) {
  return run_elementwise(
      calls, pool, int64_from_ids<ModOp>,
      [](const ModOp& op, const torch::Tensor& in, torch::Tensor& out, int64_t begin, int64_t end) {
        const auto m = static_cast<uint64_t>(op.m);
        int64_t* dst = out.data_ptr<int64_t>();
        visit_numeric(in.scalar_type(), [&]<class T>(std::type_identity<T>) {
          const T* src = in.data_ptr<T>();
          for (int64_t i = begin; i < end; ++i) {
            dst[i] = static_cast<int64_t>(static_cast<uint64_t>(static_cast<int64_t>(src[i])) % m);
          }
        });
      });
}

std::vector<FeatureValue> run_fused(const std::vector<OpCall<BucketizeOp>>& calls,
                                    ThreadPool& pool) {
  return run_elementwise(
      calls, pool,
      [](const OpCall<BucketizeOp>& call, torch::ScalarType in) {
        if (!is_integer_ids(in) && !is_floating(in)) {
          fail_dtype(call_context(call), "numeric (int32/int64/float32/float64)", in);
        }
        return torch::kInt64;
      },
      [](const BucketizeOp& op, const torch::Tensor& in, torch::Tensor& out, int64_t begin,
         int64_t end) {
        const auto& bounds = op.boundaries;
        int64_t* dst = out.data_ptr<int64_t>();
        visit_numeric(in.scalar_type(), [&]<class T>(std::type_identity<T>) {
          const T* src = in.data_ptr<T>();
          for (int64_t i = begin; i < end; ++i) {
            const auto value = static_cast<double>(src[i]);
            dst[i] = std::upper_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
          }
        });
      });
}

std::vector<FeatureValue> run_fused(const std::vector<OpCall<MultiHashOp>>& calls,
                                    ThreadPool& pool) {
  std::vector<torch::Tensor> inputs;
  std::vector<std::vector<torch::Tensor>> outputs;
  std::vector<int64_t> lengths;
  for (const auto& call : calls) {
    torch::Tensor values = flat_values(only_column(call));
    int64_from_ids(call, values.scalar_type());
    outputs.emplace_back();
    for (std::size_t h = 0; h < call.op->num_buckets.size(); ++h) {
      outputs.back().push_back(torch::empty({values.numel()}, torch::kInt64));
    }
    lengths.push_back(values.numel());
    inputs.push_back(std::move(values));
  }
  parallel_over_segments(
      pool, lengths, kDefaultGrain, [&](std::size_t s, int64_t begin, int64_t end) {
        const MultiHashOp& op = *calls[s].op;
        visit_numeric(inputs[s].scalar_type(), [&]<class T>(std::type_identity<T>) {
          const T* src = inputs[s].data_ptr<T>();
          for (std::size_t h = 0; h < op.num_buckets.size(); ++h) {
            const int64_t prime = op.primes[h];
            const int64_t buckets = op.num_buckets[h];
            const auto mul = static_cast<uint64_t>(kMultiHashMultipliers[h]);
            int64_t* dst = outputs[s][h].data_ptr<int64_t>();
            for (int64_t i = begin; i < end; ++i) {
              // x * mul wraps like int64 arithmetic; % keeps the dividend's sign, as in C and CUDA.
              const auto product = static_cast<int64_t>(static_cast<uint64_t>(src[i]) * mul);
              dst[i] = ((product % prime) + prime) % prime % buckets;
            }
          }
        });
      });
  std::vector<FeatureValue> results(calls.size());
  for (std::size_t s = 0; s < calls.size(); ++s) {
    for (auto& hashed : outputs[s]) results[s].push_back(rebuild(calls[s].input->front(), hashed));
  }
  return results;
}

}  // namespace recis::feature

// Fused log1p, normalize, fill_missing and clip over numeric columns.
#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>
#include <string>

#include "recis/common/logging.h"
#include "recis/feature/kernel_support.h"

namespace recis::feature {
namespace {

// Floats keep their dtype; integers become float32.
template <class OpT>
torch::ScalarType floating_output(const OpCall<OpT>& call, torch::ScalarType in) {
  if (is_floating(in)) return in;
  if (is_integer_ids(in)) return torch::kFloat32;
  fail_dtype(call_context(call), "numeric (int32/int64/float32/float64)", in);
}

// out[i] = fn(in[i]) in the output's floating type.
template <class Fn>
void map_to_floating(const torch::Tensor& in, torch::Tensor& out, int64_t begin, int64_t end,
                     Fn fn) {
  visit_numeric(in.scalar_type(), [&]<class In>(std::type_identity<In>) {
    const In* src = in.data_ptr<In>();
    auto write = [&]<class Out>(Out* dst) {
      for (int64_t i = begin; i < end; ++i) dst[i] = static_cast<Out>(fn(static_cast<Out>(src[i])));
    };
    if (out.scalar_type() == torch::kFloat64) {
      write(out.data_ptr<double>());
    } else {
      write(out.data_ptr<float>());
    }
  });
}

// `value` as a T, clamped to T's range (beyond a float type's range: its infinities).
template <class T>
T saturate(double value) {
  using Limits = std::numeric_limits<T>;
  constexpr bool integral = std::is_integral_v<T>;
  if (value < static_cast<double>(Limits::lowest())) {
    return integral ? Limits::lowest() : -Limits::infinity();
  }
  if (value > static_cast<double>(Limits::max()))
    return integral ? Limits::max() : Limits::infinity();
  // int64's max is not a double: 2^63 compares equal above and must not be cast.
  if (integral && value == static_cast<double>(Limits::max())) return Limits::max();
  return static_cast<T>(value);
}

// log1p of a value below -1 is NaN: warns once per feature (the data has negative counts, say,
// and the feature wants a clip before its log1p).
void warn_of_log1p_domain(const OpCall<Log1pOp>& call) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  const torch::Tensor values = flat_values(only_column(call));
  if (values.numel() == 0 || !(values < -1).any().item<bool>()) return;
  std::lock_guard<std::mutex> lock(mutex);
  if (!warned.insert(*call.feature).second) return;
  RECIS_LOG(Warning) << call_context(call) << ": input values below -1 (min "
                     << values.min().item<double>()
                     << ") give NaN; clip them first (a clip op before log1p)";
}

}  // namespace

std::vector<FeatureValue> run_fused(const std::vector<OpCall<Log1pOp>>& calls, ThreadPool& pool) {
  for (const auto& call : calls) warn_of_log1p_domain(call);
  return run_elementwise(
      calls, pool, floating_output<Log1pOp>,
      [](const Log1pOp&, const torch::Tensor& in, torch::Tensor& out, int64_t begin, int64_t end) {
        map_to_floating(in, out, begin, end, [](auto x) { return std::log1p(x); });
      });
}

std::vector<FeatureValue> run_fused(const std::vector<OpCall<NormalizeOp>>& calls,
                                    ThreadPool& pool) {
  return run_elementwise(calls, pool, floating_output<NormalizeOp>,
                         [](const NormalizeOp& op, const torch::Tensor& in, torch::Tensor& out,
                            int64_t begin, int64_t end) {
                           map_to_floating(in, out, begin, end, [&op](auto x) {
                             return (static_cast<double>(x) - op.mean) / op.std;
                           });
                         });
}

std::vector<FeatureValue> run_fused(const std::vector<OpCall<FillMissingOp>>& calls,
                                    ThreadPool& pool) {
  return run_elementwise(
      calls, pool,
      [](const OpCall<FillMissingOp>& call, torch::ScalarType in) {
        if (!is_floating(in)) fail_dtype(call_context(call), "float32/float64 (NaN = missing)", in);
        return in;
      },
      [](const FillMissingOp& op, const torch::Tensor& in, torch::Tensor& out, int64_t begin,
         int64_t end) {
        map_to_floating(in, out, begin, end, [&op](auto x) {
          return std::isnan(x) ? static_cast<decltype(x)>(op.value) : x;
        });
      });
}

std::vector<FeatureValue> run_fused(const std::vector<OpCall<ClipOp>>& calls, ThreadPool& pool) {
  return run_elementwise(
      calls, pool,
      [](const OpCall<ClipOp>& call, torch::ScalarType in) {
        if (!is_floating(in) && !is_integer_ids(in)) {
          fail_dtype(call_context(call), "numeric (int32/int64/float32/float64)", in);
        }
        return in;
      },
      [](const ClipOp& op, const torch::Tensor& in, torch::Tensor& out, int64_t begin,
         int64_t end) {
        visit_numeric(in.scalar_type(), [&]<class T>(std::type_identity<T>) {
          // Integer columns clip to the integers inside [lo, hi].
          const T lo = saturate<T>(std::is_integral_v<T> ? std::ceil(op.lo) : op.lo);
          const T hi = saturate<T>(std::is_integral_v<T> ? std::floor(op.hi) : op.hi);
          const T* src = in.data_ptr<T>();
          T* dst = out.data_ptr<T>();
          for (int64_t i = begin; i < end; ++i) {
            dst[i] = src[i] < lo ? lo : (src[i] > hi ? hi : src[i]);
          }
        });
      });
}

}  // namespace recis::feature

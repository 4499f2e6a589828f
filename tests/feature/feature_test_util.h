// Shared by the feature tests: run one feature through an Engine, compare columns exactly, and
// catch an error's message.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recis/common/error.h"
#include "recis/feature/engine.h"
#include "recis/ragged/ragged_rows.h"

namespace recis::feature::testing {

inline ragged::Column run_one(const Feature& feature, const ragged::Batch& batch) {
  Engine engine({feature}, 2);
  return engine.run(batch).at(feature.name());
}

inline std::vector<int64_t> int64s(const torch::Tensor& tensor) {
  const auto flat = tensor.contiguous();
  return std::vector<int64_t>(flat.data_ptr<int64_t>(), flat.data_ptr<int64_t>() + flat.numel());
}

inline const ragged::RaggedTensor& as_ragged(const ragged::Column& column) {
  return std::get<ragged::RaggedTensor>(column);
}

// Equal dtype, shape and values (NaN equal to NaN), offsets and weights.
inline ::testing::AssertionResult columns_equal(const ragged::Column& a, const ragged::Column& b) {
  auto same = [](const torch::Tensor& x, const torch::Tensor& y) {
    if (x.scalar_type() != y.scalar_type() || !x.sizes().equals(y.sizes())) return false;
    if (x.is_floating_point())
      return torch::equal(torch::nan_to_num(x, 12345.0), torch::nan_to_num(y, 12345.0));
    return torch::equal(x, y);
  };
  if (a.index() != b.index()) return ::testing::AssertionFailure() << "dense vs ragged";
  if (const auto* x = std::get_if<torch::Tensor>(&a)) {
    if (!same(*x, std::get<torch::Tensor>(b)))
      return ::testing::AssertionFailure() << "dense values differ";
    return ::testing::AssertionSuccess();
  }
  const auto& x = std::get<ragged::RaggedTensor>(a);
  const auto& y = std::get<ragged::RaggedTensor>(b);
  if (!same(x.values(), y.values())) return ::testing::AssertionFailure() << "values differ";
  if (x.offsets().size() != y.offsets().size())
    return ::testing::AssertionFailure() << "levels differ";
  for (std::size_t i = 0; i < x.offsets().size(); ++i) {
    if (!same(x.offsets()[i], y.offsets()[i]))
      return ::testing::AssertionFailure() << "offsets differ";
  }
  if (x.has_weights() != y.has_weights())
    return ::testing::AssertionFailure() << "weights presence";
  if (x.has_weights() && !same(*x.weights(), *y.weights())) {
    return ::testing::AssertionFailure() << "weights differ";
  }
  return ::testing::AssertionSuccess();
}

template <class Fn>
std::string config_error_of(Fn&& fn) {
  try {
    fn();
  } catch (const ConfigError& error) {
    return error.what();
  } catch (const Error& error) {
    return std::string("<not a ConfigError> ") + error.what();
  }
  return "<no error>";
}

}  // namespace recis::feature::testing

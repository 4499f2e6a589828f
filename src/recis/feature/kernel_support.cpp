#include "recis/feature/kernel_support.h"

namespace recis::feature {

torch::Tensor flat_values(const ragged::Column& column) {
  if (const auto* ragged = std::get_if<ragged::RaggedTensor>(&column)) return ragged->values();
  return std::get<torch::Tensor>(column).contiguous().reshape({-1});
}

ragged::Column rebuild(const ragged::Column& like, torch::Tensor values) {
  if (const auto* ragged = std::get_if<ragged::RaggedTensor>(&like)) {
    return ragged->with_values(std::move(values));
  }
  return values.reshape(std::get<torch::Tensor>(like).sizes());
}

bool is_integer_ids(torch::ScalarType type) {
  return type == torch::kInt64 || type == torch::kInt32;
}

bool is_floating(torch::ScalarType type) {
  return type == torch::kFloat32 || type == torch::kFloat64;
}

void fail_dtype(const std::string& context, const std::string& expected, torch::ScalarType got) {
  throw ConfigError(context + ": needs " + expected + " values, got " + ragged::dtype_name(got) +
                    (got == torch::kUInt8 ? " (byte strings: hash them first)" : ""));
}

}  // namespace recis::feature

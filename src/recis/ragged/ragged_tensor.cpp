#include "recis/ragged/ragged_tensor.h"

#include "recis/common/error.h"

namespace recis::ragged {
namespace {

void check_cpu(const torch::Tensor& tensor, const std::string& what) {
  if (!tensor.defined()) throw Error("RaggedTensor: " + what + " is an undefined tensor");
  if (!tensor.device().is_cpu()) throw Error("RaggedTensor: " + what + " must be on the CPU");
}

// offsets must be int64, 1-D, start at 0, never decrease and end at `next_count`.
void check_offsets(const torch::Tensor& offsets, std::size_t level, int64_t next_count,
                   const std::string& next_name) {
  const std::string what = "offsets[" + std::to_string(level) + "]";
  if (offsets.scalar_type() != torch::kInt64 || offsets.dim() != 1) {
    throw Error("RaggedTensor: " + what + " must be a 1-D int64 tensor, got " +
                dtype_name(offsets.scalar_type()) + " with " + std::to_string(offsets.dim()) +
                " dims");
  }
  const int64_t n = offsets.numel();
  if (n < 1) throw Error("RaggedTensor: " + what + " is empty; it needs at least the leading 0");
  const int64_t* data = offsets.data_ptr<int64_t>();
  if (data[0] != 0) {
    throw Error("RaggedTensor: " + what + " starts at " + std::to_string(data[0]) + ", not 0");
  }
  for (int64_t i = 1; i < n; ++i) {
    if (data[i] < data[i - 1]) {
      throw Error("RaggedTensor: " + what + " decreases at entry " + std::to_string(i) + " (" +
                  std::to_string(data[i - 1]) + " then " + std::to_string(data[i]) + ")");
    }
  }
  if (data[n - 1] != next_count) {
    throw Error("RaggedTensor: " + what + " ends at " + std::to_string(data[n - 1]) + " but " +
                next_name + " has " + std::to_string(next_count) + " entries");
  }
}

}  // namespace

RaggedTensor::RaggedTensor(torch::Tensor values, std::vector<torch::Tensor> offsets,
                           std::optional<torch::Tensor> weights)
    : offsets_(std::move(offsets)) {
  check_cpu(values, "values");
  if (values.dim() != 1) {
    throw Error("RaggedTensor: values must be 1-D, got " + std::to_string(values.dim()) + " dims");
  }
  values_ = values.contiguous();
  if (offsets_.empty()) throw Error("RaggedTensor: needs at least one offsets tensor");
  for (std::size_t level = 0; level < offsets_.size(); ++level) {
    check_cpu(offsets_[level], "offsets[" + std::to_string(level) + "]");
    offsets_[level] = offsets_[level].contiguous();
  }
  for (std::size_t level = 0; level < offsets_.size(); ++level) {
    const bool last = level + 1 == offsets_.size();
    const int64_t next_count = last ? values_.numel() : offsets_[level + 1].numel() - 1;
    check_offsets(offsets_[level], level, next_count,
                  last ? "values" : "offsets[" + std::to_string(level + 1) + "]");
  }
  if (weights) {
    check_cpu(*weights, "weights");
    if (weights->scalar_type() != torch::kFloat32 || weights->dim() != 1) {
      throw Error("RaggedTensor: weights must be a 1-D float32 tensor, got " +
                  dtype_name(weights->scalar_type()) + " with " + std::to_string(weights->dim()) +
                  " dims");
    }
    if (weights->numel() != element_count()) {
      throw Error("RaggedTensor: " + std::to_string(weights->numel()) + " weights for " +
                  std::to_string(element_count()) + (is_byte_strings() ? " strings" : " values"));
    }
    weights_ = weights->contiguous();
  }
}

int64_t RaggedTensor::element_count() const {
  return is_byte_strings() ? offsets_.back().numel() - 1 : values_.numel();
}

RaggedTensor RaggedTensor::with_values(torch::Tensor values) const {
  return RaggedTensor(std::move(values), offsets_, weights_);
}

std::string dtype_name(torch::ScalarType type) {
  switch (type) {
    case torch::kUInt8: return "uint8";
    case torch::kInt8: return "int8";
    case torch::kInt16: return "int16";
    case torch::kInt32: return "int32";
    case torch::kInt64: return "int64";
    case torch::kFloat16: return "float16";
    case torch::kFloat32: return "float32";
    case torch::kFloat64: return "float64";
    case torch::kBool: return "bool";
    default: return c10::toString(type);
  }
}

}  // namespace recis::ragged

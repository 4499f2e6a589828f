// RaggedTensor: a batch of variable-length lists, stored flat. `values` is 1-D; `offsets` holds one
// int64 1-D tensor per nesting level, outermost first: offsets[0] has batch_size + 1 entries and
// splits the rows into entries of the next level, and the last offsets tensor splits `values`.
// A list<bigint> column is 2 levels (1 offsets tensor); list<list<bigint>> is 3 levels (2).
//
// Byte strings: values of dtype uint8 always mean byte strings. Their last offsets tensor splits
// the bytes into strings, so a list<string> column is values = all bytes concatenated, offsets =
// {rows -> strings, strings -> bytes}. Hashing drops that last level (see feature::HashOp).
//
// Weights (optional, float32) carry one weight per element: per value, or per string for byte
// strings. The constructor checks every invariant and throws recis::Error naming what is wrong.
// Made by io (decoded columns), the feature engine and tests; read by the embedding engine.
// Thread-safety: an immutable value (tensors are shared, never written after construction).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace recis::ragged {

class RaggedTensor {
 public:
  // Checks: values 1-D; at least one offsets tensor, each int64 1-D, starting at 0,
  // non-decreasing, and ending at the entry count of the next level; weights float32 with one
  // entry per element. Tensors are made contiguous; all must be on the CPU.
  RaggedTensor(torch::Tensor values, std::vector<torch::Tensor> offsets,
               std::optional<torch::Tensor> weights = std::nullopt);

  const torch::Tensor& values() const { return values_; }
  const std::vector<torch::Tensor>& offsets() const { return offsets_; }
  const std::optional<torch::Tensor>& weights() const { return weights_; }
  bool has_weights() const { return weights_.has_value(); }

  int64_t batch_size() const { return offsets_.front().numel() - 1; }
  // Nesting levels including the batch: offsets().size() + 1.
  int num_levels() const { return static_cast<int>(offsets_.size()) + 1; }
  bool is_byte_strings() const { return values_.scalar_type() == torch::kUInt8; }
  // What weights align with: values, or strings for byte strings.
  int64_t element_count() const;

  // The same rows and weights around new values (which must have as many entries).
  RaggedTensor with_values(torch::Tensor values) const;

 private:
  torch::Tensor values_;
  std::vector<torch::Tensor> offsets_;
  std::optional<torch::Tensor> weights_;
};

// "int64", "float32", ... for error messages.
std::string dtype_name(torch::ScalarType type);

}  // namespace recis::ragged

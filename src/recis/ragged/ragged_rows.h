// Conversions between RaggedTensor and nested std::vector rows, and from dense tensors: how tests,
// benches, examples and the feature engine (dense inputs to a cross) build ragged values.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "recis/ragged/ragged_tensor.h"

namespace recis::ragged {

using Rows2 = std::vector<std::vector<int64_t>>;
using Rows3 = std::vector<std::vector<std::vector<int64_t>>>;

// A 2-level int64 ragged; `weights`, when given, mirrors `rows` exactly.
RaggedTensor ragged_from_rows(const Rows2& rows);
RaggedTensor ragged_from_rows(const Rows2& rows, const std::vector<std::vector<float>>& weights);
// A 3-level int64 ragged (rows of lists of ids).
RaggedTensor ragged_from_nested_rows(const Rows3& rows);
// Byte strings: values uint8, offsets {rows -> strings, strings -> bytes}.
RaggedTensor byte_strings_from_rows(const std::vector<std::vector<std::string>>& rows);

// A dense [B] (one value per row) or [B, K] tensor as a 2-level ragged of the same dtype.
RaggedTensor ragged_from_dense(const torch::Tensor& dense);

// Back to rows; the ragged must have the matching level count and int64 values.
Rows2 rows2_of(const RaggedTensor& ragged);
Rows3 rows3_of(const RaggedTensor& ragged);
// Weights grouped by the last offsets level (numeric values only).
std::vector<std::vector<float>> weight_rows_of(const RaggedTensor& ragged);

}  // namespace recis::ragged

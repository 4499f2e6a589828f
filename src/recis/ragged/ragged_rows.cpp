#include "recis/ragged/ragged_rows.h"

#include <cstring>

#include "recis/common/error.h"

namespace recis::ragged {
namespace {

torch::Tensor int64_tensor(const std::vector<int64_t>& data) {
  auto out = torch::empty({static_cast<int64_t>(data.size())}, torch::kInt64);
  if (!data.empty()) std::memcpy(out.data_ptr<int64_t>(), data.data(), data.size() * 8);
  return out;
}

torch::Tensor float_tensor(const std::vector<float>& data) {
  auto out = torch::empty({static_cast<int64_t>(data.size())}, torch::kFloat32);
  if (!data.empty()) std::memcpy(out.data_ptr<float>(), data.data(), data.size() * 4);
  return out;
}

void require_levels(const RaggedTensor& ragged, int levels) {
  if (ragged.num_levels() != levels || ragged.values().scalar_type() != torch::kInt64) {
    throw Error("expected a " + std::to_string(levels) + "-level int64 RaggedTensor, got " +
                std::to_string(ragged.num_levels()) + " levels of " +
                dtype_name(ragged.values().scalar_type()));
  }
}

}  // namespace

RaggedTensor ragged_from_rows(const Rows2& rows) {
  std::vector<int64_t> values;
  std::vector<int64_t> offsets{0};
  for (const auto& row : rows) {
    values.insert(values.end(), row.begin(), row.end());
    offsets.push_back(static_cast<int64_t>(values.size()));
  }
  return RaggedTensor(int64_tensor(values), {int64_tensor(offsets)});
}

RaggedTensor ragged_from_rows(const Rows2& rows, const std::vector<std::vector<float>>& weights) {
  if (weights.size() != rows.size()) {
    throw Error("ragged_from_rows: " + std::to_string(weights.size()) + " weight rows for " +
                std::to_string(rows.size()) + " rows");
  }
  std::vector<float> flat;
  for (const auto& row : weights) flat.insert(flat.end(), row.begin(), row.end());
  const RaggedTensor ids = ragged_from_rows(rows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != weights[i].size()) {
      throw Error("ragged_from_rows: row " + std::to_string(i) + " has " +
                  std::to_string(rows[i].size()) + " ids but " + std::to_string(weights[i].size()) +
                  " weights");
    }
  }
  return RaggedTensor(ids.values(), ids.offsets(), float_tensor(flat));
}

RaggedTensor ragged_from_nested_rows(const Rows3& rows) {
  std::vector<int64_t> values;
  std::vector<int64_t> outer{0};
  std::vector<int64_t> inner{0};
  for (const auto& row : rows) {
    for (const auto& list : row) {
      values.insert(values.end(), list.begin(), list.end());
      inner.push_back(static_cast<int64_t>(values.size()));
    }
    outer.push_back(static_cast<int64_t>(inner.size()) - 1);
  }
  return RaggedTensor(int64_tensor(values), {int64_tensor(outer), int64_tensor(inner)});
}

RaggedTensor byte_strings_from_rows(const std::vector<std::vector<std::string>>& rows) {
  std::string bytes;
  std::vector<int64_t> row_offsets{0};
  std::vector<int64_t> string_offsets{0};
  for (const auto& row : rows) {
    for (const auto& text : row) {
      bytes += text;
      string_offsets.push_back(static_cast<int64_t>(bytes.size()));
    }
    row_offsets.push_back(static_cast<int64_t>(string_offsets.size()) - 1);
  }
  auto values = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
  if (!bytes.empty()) std::memcpy(values.data_ptr<uint8_t>(), bytes.data(), bytes.size());
  return RaggedTensor(values, {int64_tensor(row_offsets), int64_tensor(string_offsets)});
}

RaggedTensor ragged_from_dense(const torch::Tensor& dense) {
  if (dense.dim() != 1 && dense.dim() != 2) {
    throw Error("ragged_from_dense: expected a [B] or [B, K] tensor, got " +
                std::to_string(dense.dim()) + " dims");
  }
  const int64_t rows = dense.size(0);
  const int64_t per_row = dense.dim() == 2 ? dense.size(1) : 1;
  auto offsets = torch::arange(0, rows + 1, torch::kInt64) * per_row;
  return RaggedTensor(dense.reshape({-1}), {offsets});
}

Rows2 rows2_of(const RaggedTensor& ragged) {
  require_levels(ragged, 2);
  const int64_t* offsets = ragged.offsets()[0].data_ptr<int64_t>();
  const int64_t* values = ragged.values().data_ptr<int64_t>();
  Rows2 rows(ragged.batch_size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    rows[r].assign(values + offsets[r], values + offsets[r + 1]);
  }
  return rows;
}

Rows3 rows3_of(const RaggedTensor& ragged) {
  require_levels(ragged, 3);
  const int64_t* outer = ragged.offsets()[0].data_ptr<int64_t>();
  const int64_t* inner = ragged.offsets()[1].data_ptr<int64_t>();
  const int64_t* values = ragged.values().data_ptr<int64_t>();
  Rows3 rows(ragged.batch_size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (int64_t l = outer[r]; l < outer[r + 1]; ++l) {
      rows[r].emplace_back(values + inner[l], values + inner[l + 1]);
    }
  }
  return rows;
}

std::vector<std::vector<float>> weight_rows_of(const RaggedTensor& ragged) {
  if (!ragged.has_weights() || ragged.is_byte_strings()) {
    throw Error("weight_rows_of: needs a weighted RaggedTensor of numeric values");
  }
  const torch::Tensor& last = ragged.offsets().back();
  const int64_t* offsets = last.data_ptr<int64_t>();
  const float* weights = ragged.weights()->data_ptr<float>();
  std::vector<std::vector<float>> rows(last.numel() - 1);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    rows[r].assign(weights + offsets[r], weights + offsets[r + 1]);
  }
  return rows;
}

}  // namespace recis::ragged

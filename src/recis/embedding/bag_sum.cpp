#include "recis/embedding/bag_sum.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <vector>

#include "recis/common/float4.h"
#include "recis/embedding/core/table_core.h"

namespace recis::embedding {
namespace {

// Entries ahead whose row is prefetched: rows are read in the ids' order, which is random.
constexpr auto kPrefetchDistance = static_cast<int64_t>(RowBlocks::kPrefetchDistance);

inline void prefetch_row(const float* row) { __builtin_prefetch(row); }

// out = w * row, and out += w * row, dim floats, four lanes at a time.
inline void set_scaled(float* __restrict out, const float* __restrict row, float w,
                       std::size_t dim) {
  for_each_lane(dim, [&]<typename T>(std::size_t d) {
    store(out + d, splat<T>(w) * load<T>(row + d));
  });
}
inline void add_scaled(float* __restrict out, const float* __restrict row, float w,
                       std::size_t dim) {
  for_each_lane(dim, [&]<typename T>(std::size_t d) {
    store(out + d, load<T>(out + d) + splat<T>(w) * load<T>(row + d));
  });
}

// Pools every bag: out[b] = sum of weight * row over its entries, where row_at(p) points at
// row p's dim floats and prefetch_at(p) starts loading it.
template <typename RowAt, typename PrefetchAt>
void pool_bags(const int64_t* offset, const int64_t* position, const float* weight, int64_t bags,
               int64_t entries, int64_t dim, float* out, const RowAt& row_at,
               const PrefetchAt& prefetch_at) {
  const auto width = static_cast<std::size_t>(dim);
  at::parallel_for(0, bags, 1024, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      float* target = out + b * dim;
      const int64_t first = offset[b], last = offset[b + 1];
      if (first == last) std::fill(target, target + dim, 0.0f);
      for (int64_t j = first; j < last; ++j) {
        if (j + kPrefetchDistance < entries) prefetch_at(position[j + kPrefetchDistance]);
        const float* row = row_at(position[j]);
        const float w = weight ? weight[j] : 1.0f;
        if (j == first) {
          set_scaled(target, row, w, width);
        } else {
          add_scaled(target, row, w, width);
        }
      }
    }
  });
}

class BagSumFunction : public torch::autograd::Function<BagSumFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& rows,
                               const torch::Tensor& positions, const torch::Tensor& offsets,
                               const std::optional<torch::Tensor>& weights,
                               const TableRows* table) {
    const int64_t bags = offsets.numel() - 1;
    const int64_t dim = rows.size(1);
    torch::Tensor out = torch::empty({bags, dim}, rows.options());
    const int64_t* position = positions.data_ptr<int64_t>();
    const int64_t* offset = offsets.data_ptr<int64_t>();
    const float* weight = weights ? weights->data_ptr<float>() : nullptr;
    const int64_t entries = positions.numel();
    float* out_data = out.data_ptr<float>();
    if (table != nullptr) {
      const RowBlocks& blocks = *table->blocks;
      const std::span<const int64_t> numbers = table->numbers;
      const std::vector<float> zeros(static_cast<std::size_t>(dim), 0.0f);
      const std::size_t offset_in_row = blocks.layout().embedding_offset();
      const std::size_t bytes = blocks.layout().embedding_bytes();
      constexpr int64_t kNoRow = TableCore::kNoRow;
      pool_bags(
          offset, position, weight, bags, entries, dim, out_data,
          [&](int64_t p) {
            const int64_t row = numbers[static_cast<std::size_t>(p)];
            return row == kNoRow ? zeros.data() : static_cast<const float*>(blocks.embedding(row));
          },
          [&](int64_t p) {
            const int64_t row = numbers[static_cast<std::size_t>(p)];
            if (row != kNoRow) blocks.prefetch(row, offset_in_row, bytes);
          });
    } else {
      const torch::Tensor source = rows.contiguous();
      const float* row_data = source.data_ptr<float>();
      pool_bags(
          offset, position, weight, bags, entries, dim, out_data,
          [&](int64_t p) { return row_data + p * dim; },
          [&](int64_t p) { prefetch_row(row_data + p * dim); });
    }
    context->save_for_backward({positions, offsets, weights ? *weights : torch::Tensor()});
    context->saved_data["rows"] = rows.size(0);
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list grad_outputs) {
    const auto saved = context->get_saved_variables();
    const torch::Tensor& positions = saved[0];
    const torch::Tensor& offsets = saved[1];
    const torch::Tensor& weights = saved[2];
    const torch::Tensor grad = grad_outputs[0].to(torch::kFloat32).contiguous();
    const int64_t dim = grad.size(1);
    const auto width = static_cast<std::size_t>(dim);
    const int64_t rows = context->saved_data["rows"].toInt();
    torch::Tensor grad_rows = torch::zeros({rows, dim}, grad.options());
    const int64_t* position = positions.data_ptr<int64_t>();
    const int64_t* offset = offsets.data_ptr<int64_t>();
    const float* weight = weights.defined() ? weights.data_ptr<float>() : nullptr;
    const float* grad_data = grad.data_ptr<float>();
    float* out = grad_rows.data_ptr<float>();
    const int64_t bags = offsets.numel() - 1;
    const int64_t entries = positions.numel();
    // Several entries may add to one row: each thread owns a range of rows and adds, in entry
    // order, the entries that fall in it, so every row sums its entries in the same order
    // whatever the thread count.
    at::parallel_for(0, rows, 4096, [&](int64_t row_begin, int64_t row_end) {
      for (int64_t b = 0; b < bags; ++b) {
        const float* source = grad_data + b * dim;
        for (int64_t j = offset[b]; j < offset[b + 1]; ++j) {
          if (j + kPrefetchDistance < entries) {
            const int64_t ahead = position[j + kPrefetchDistance];
            if (ahead >= row_begin && ahead < row_end) prefetch_row(out + ahead * dim);
          }
          const int64_t p = position[j];
          if (p < row_begin || p >= row_end) continue;
          add_scaled(out + p * dim, source, weight ? weight[j] : 1.0f, width);
        }
      }
    });
    return {grad_rows, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor bag_sum(const torch::Tensor& rows, const torch::Tensor& positions,
                      const torch::Tensor& offsets, const std::optional<torch::Tensor>& weights,
                      const TableRows* table) {
  // Weights are data: passed as a non-tensor argument, so autograd tracks only the rows.
  std::optional<torch::Tensor> float_weights;
  if (weights) float_weights = weights->to(torch::kFloat32).contiguous();
  return BagSumFunction::apply(rows, positions.contiguous(), offsets.contiguous(), float_weights,
                               table);
}

}  // namespace recis::embedding

#include "recis/embedding/bag_sum.h"

#include <ATen/Parallel.h>

#include <cstring>

namespace recis::embedding {
namespace {

class BagSumFunction : public torch::autograd::Function<BagSumFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& rows,
                               const torch::Tensor& positions, const torch::Tensor& offsets,
                               const std::optional<torch::Tensor>& weights) {
    const torch::Tensor source = rows.contiguous();
    const int64_t bags = offsets.numel() - 1;
    const int64_t dim = source.size(1);
    torch::Tensor out = torch::empty({bags, dim}, source.options());
    const float* row_data = source.data_ptr<float>();
    const int64_t* position = positions.data_ptr<int64_t>();
    const int64_t* offset = offsets.data_ptr<int64_t>();
    const float* weight = weights ? weights->data_ptr<float>() : nullptr;
    float* out_data = out.data_ptr<float>();
    at::parallel_for(0, bags, 1024, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b) {
        float* target = out_data + b * dim;
        std::memset(target, 0, static_cast<std::size_t>(dim) * sizeof(float));
        for (int64_t j = offset[b]; j < offset[b + 1]; ++j) {
          const float* row = row_data + position[j] * dim;
          const float w = weight ? weight[j] : 1.0f;
          for (int64_t k = 0; k < dim; ++k) target[k] += w * row[k];
        }
      }
    });
    context->save_for_backward({positions, offsets, weights ? *weights : torch::Tensor()});
    context->saved_data["rows"] = source.size(0);
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
    const int64_t rows = context->saved_data["rows"].toInt();
    torch::Tensor grad_rows = torch::zeros({rows, dim}, grad.options());
    const int64_t* position = positions.data_ptr<int64_t>();
    const int64_t* offset = offsets.data_ptr<int64_t>();
    const float* weight = weights.defined() ? weights.data_ptr<float>() : nullptr;
    const float* grad_data = grad.data_ptr<float>();
    float* out = grad_rows.data_ptr<float>();
    // One pass over the entries; several entries may add to one row, so the pass is sequential
    // (about one multiply-add per entry element: cheaper than any partitioning here).
    const int64_t bags = offsets.numel() - 1;
    for (int64_t b = 0; b < bags; ++b) {
      const float* source = grad_data + b * dim;
      for (int64_t j = offset[b]; j < offset[b + 1]; ++j) {
        float* target = out + position[j] * dim;
        const float w = weight ? weight[j] : 1.0f;
        for (int64_t k = 0; k < dim; ++k) target[k] += w * source[k];
      }
    }
    return {grad_rows, torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor bag_sum(const torch::Tensor& rows, const torch::Tensor& positions,
                      const torch::Tensor& offsets, const std::optional<torch::Tensor>& weights) {
  // Weights are data: passed as a non-tensor argument, so autograd tracks only the rows.
  std::optional<torch::Tensor> float_weights;
  if (weights) float_weights = weights->to(torch::kFloat32).contiguous();
  return BagSumFunction::apply(rows, positions.contiguous(), offsets.contiguous(), float_weights);
}

}  // namespace recis::embedding

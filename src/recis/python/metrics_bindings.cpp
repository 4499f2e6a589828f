// Metrics for recis.metrics: the exact AUC and the GAUC of train/ (float32 1-D tensors in).
#include "recis/common/error.h"
#include "recis/python/bindings.h"
#include "recis/train/auc.h"
#include "recis/train/gauc.h"

namespace py = pybind11;

namespace recis::python {
namespace {

std::span<const float> float_span(torch::Tensor& tensor, const char* what) {
  if (tensor.dim() != 1) throw ConfigError(std::string(what) + ": expected a 1-D tensor");
  tensor = tensor.detach().to(torch::kFloat32).contiguous();
  return {tensor.data_ptr<float>(), static_cast<std::size_t>(tensor.numel())};
}

}  // namespace

void bind_metrics(py::module_& m) {
  m.def(
      "exact_auc",
      [](torch::Tensor scores, torch::Tensor labels) {
        return train::exact_auc(float_span(scores, "scores"), float_span(labels, "labels"));
      },
      py::arg("scores"), py::arg("labels"));
  m.def(
      "gauc",
      [](torch::Tensor scores, torch::Tensor labels, torch::Tensor groups) {
        if (groups.dim() != 1) throw ConfigError("groups: expected a 1-D tensor");
        groups = groups.to(torch::kInt64).contiguous();
        const auto result =
            train::gauc(float_span(scores, "scores"), float_span(labels, "labels"),
                        {groups.data_ptr<int64_t>(), static_cast<std::size_t>(groups.numel())});
        return py::make_tuple(result.value, result.used_groups, result.skipped_groups);
      },
      py::arg("scores"), py::arg("labels"), py::arg("groups"));
}

}  // namespace recis::python

// recis._C.ragged_to_dense(values, offsets, shape, default_value): RaggedTensor.to_dense in one
// pass — the padded tensor of `shape` [B, L1, ..., Lk] (no list longer than its L) filled with
// default_value and each value copied to its place. Any value dtype; offsets int64, outermost
// first. Called by recis/ragged/tensor.py (EmbeddingEngine densifies every batch entry it passes
// through, 26 columns a batch in RecIS's DeepFM). Runs without the GIL.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "recis/common/error.h"
#include "recis/python/bindings.h"

namespace py = pybind11;

namespace recis::python {
namespace {

struct Levels {
  std::vector<const int64_t*> offsets;  // per level
  std::vector<int64_t> strides;         // dense strides in elements, one per dimension
  const char* values = nullptr;
  char* dense = nullptr;
  std::size_t element = 0;

  // Places the lists of entry `item` of `level` at dense element `base`.
  void place(std::size_t level, int64_t item, int64_t base) const {
    const int64_t begin = offsets[level][item], end = offsets[level][item + 1];
    if (level + 1 == offsets.size()) {  // the values: contiguous in the last dimension
      std::memcpy(dense + base * element, values + begin * element,
                  static_cast<std::size_t>(end - begin) * element);
      return;
    }
    const int64_t stride = strides[level + 1];
    for (int64_t child = begin; child < end; ++child) {
      place(level + 1, child, base + (child - begin) * stride);
    }
  }
};

torch::Tensor ragged_to_dense(const torch::Tensor& values, const std::vector<torch::Tensor>& offsets,
                              std::vector<int64_t> shape, double default_value) {
  if (offsets.empty()) throw Error("ragged_to_dense: no offsets");
  if (values.dim() != 1) {
    throw Error("ragged_to_dense: values must be 1-D, got " + std::to_string(values.dim()) +
                " dims");
  }
  if (shape.size() != offsets.size() + 1 || shape[0] != offsets[0].numel() - 1) {
    throw Error("ragged_to_dense: the dense shape does not fit the offsets");
  }
  std::vector<torch::Tensor> levels;
  for (std::size_t l = 0; l < offsets.size(); ++l) {
    levels.push_back(offsets[l].to(torch::kInt64).contiguous());
    const torch::Tensor& level = levels.back();
    const int64_t entries = level.numel() - 1;
    if (entries < 0) throw Error("ragged_to_dense: offsets level " + std::to_string(l) + " is empty");
    const int64_t* o = level.data_ptr<int64_t>();
    const int64_t next_entries = l + 1 < offsets.size() ? offsets[l + 1].numel() - 1 : values.numel();
    int64_t longest = 0;
    for (int64_t i = 0; i < entries; ++i) {
      if (o[i + 1] < o[i] || o[i] < 0 || o[i + 1] > next_entries) {
        throw Error("ragged_to_dense: offsets level " + std::to_string(l) +
                    " are not non-decreasing within [0, " + std::to_string(next_entries) + "]");
      }
      longest = std::max(longest, o[i + 1] - o[i]);
    }
    if (longest > shape[l + 1]) {
      throw Error("ragged_to_dense: a list of level " + std::to_string(l) + " holds " +
                  std::to_string(longest) + " entries, the dense shape " +
                  std::to_string(shape[l + 1]));
    }
  }
  const torch::Tensor flat = values.contiguous();
  torch::Tensor dense = torch::full(shape, default_value, flat.options());
  Levels walk;
  for (const torch::Tensor& level : levels) walk.offsets.push_back(level.data_ptr<int64_t>());
  walk.strides = dense.strides().vec();
  walk.values = static_cast<const char*>(flat.data_ptr());
  walk.dense = static_cast<char*>(dense.data_ptr());
  walk.element = flat.element_size();
  {
    py::gil_scoped_release release;
    for (int64_t row = 0; row < shape[0]; ++row) walk.place(0, row, row * walk.strides[0]);
  }
  return dense;
}

}  // namespace

void bind_ragged(py::module_& m) {
  m.def("ragged_to_dense", &ragged_to_dense, py::arg("values"), py::arg("offsets"),
        py::arg("shape"), py::arg("default_value"));
}

}  // namespace recis::python

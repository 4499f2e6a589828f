// Helpers for the optimizer tests: a TableCore created with an optimizer's slots whose rows are
// set to chosen values, and SparseGrads built by hand. Thread-safety: one test owns each.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "recis/embedding/core/table_core.h"
#include "recis/embedding/sparse_grad.h"
#include "recis/optim/sparse_optimizer.h"

namespace recis::optim::testing {

class TestTable {
 public:
  // A table of ids 0..initial.size(0)-1 holding `initial` ([ids, dim] float32), with the slots
  // `optimizer` needs.
  TestTable(const SparseOptimizer& optimizer, const torch::Tensor& initial,
            embedding::ElementType type = embedding::ElementType::F32);

  // The gradient of rows `ids` (values [ids.size(), dim]); counts default to ones.
  embedding::SparseGrad grad(const std::vector<int64_t>& ids, const torch::Tensor& values,
                             std::vector<int64_t> counts = {}) const;

  // Every row's embedding as a float32 [ids, dim] tensor.
  torch::Tensor embeddings() const;
  // Slot `name` of row `id` (fp32).
  std::vector<float> slot(int64_t id, const std::string& name) const;
  int64_t row(int64_t id) const { return rows_[static_cast<std::size_t>(id)]; }
  embedding::TableCore& core() { return *core_; }

 private:
  std::unique_ptr<embedding::TableCore> core_;
  std::vector<int64_t> rows_;
  std::size_t dim_;
};

}  // namespace recis::optim::testing

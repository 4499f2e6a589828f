// RowwiseAdagrad: Adagrad with one accumulator per row instead of per element (as FBGEMM's
// row-wise Adagrad), slot rowwise_adagrad_sum (1 float): with g the reduced gradient row,
//   sum += mean over the row of g^2;  w -= lr * g / (sqrt(sum) + eps)
// sum starts at initial_accumulator_value (the slot stores the difference, as Adagrad).
// A quarter to a half of Adam's memory per row at dim >= 8, for most of Adagrad's adaptivity.
// Thread-safety: as SparseOptimizer.
#pragma once

#include "recis/optim/sparse_optimizer.h"

namespace recis::optim {

struct RowwiseAdagradOptions {
  double initial_accumulator_value = 0;
  double eps = 1e-10;
};

class RowwiseAdagrad : public SparseOptimizer {
 public:
  RowwiseAdagrad(const SparseOptimizerOptions& base, const RowwiseAdagradOptions& options = {});
  std::string_view name() const override { return "rowwise_adagrad"; }
  std::vector<embedding::SlotSpec> slots(std::size_t dim) const override;

 private:
  void update(const embedding::SparseGrad& grad, std::span<const std::size_t> slot_indexes,
              int64_t t) override;
  RowwiseAdagradOptions options_;
};

}  // namespace recis::optim

// Adagrad: torch::optim::Adagrad on embedding rows, slot adagrad_sum (dim floats). With t the
// global step and g the reduced gradient:
//   g += weight_decay * w;  sum += g^2;  w -= lr/(1 + (t-1)*lr_decay) * g / (sqrt(sum) + eps)
// sum starts at initial_accumulator_value: the slot stores sum - initial_accumulator_value, so
// the zero-filled slots of a new row hold exactly the initial state.
// Thread-safety: as SparseOptimizer.
#pragma once

#include "recis/optim/sparse_optimizer.h"

namespace recis::optim {

struct AdagradOptions {
  double lr_decay = 0;
  double weight_decay = 0;
  double initial_accumulator_value = 0;
  double eps = 1e-10;
};

class Adagrad : public SparseOptimizer {
 public:
  Adagrad(const SparseOptimizerOptions& base, const AdagradOptions& options = {});
  std::string_view name() const override { return "adagrad"; }
  std::vector<embedding::SlotSpec> slots(std::size_t dim) const override;

 private:
  void update(const embedding::SparseGrad& grad, std::span<const std::size_t> slot_indexes,
              int64_t t) override;
  AdagradOptions options_;
};

}  // namespace recis::optim

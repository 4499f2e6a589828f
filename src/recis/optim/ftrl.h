// Ftrl: FTRL-proximal (McMahan et al. 2013, in TensorFlow's form) on embedding rows, slots
// ftrl_z and ftrl_n (dim floats each). Per element, with g the reduced gradient and p = -lr_power:
//   n' = n + g^2;  z += g - (n'^p - n^p) / lr * w;  n = n'
//   w = |z| <= l1 ? 0 : (sign(z)*l1 - z) / ((beta + n^p) / lr + 2*l2)
// n starts at initial_accumulator_value (the slot stores the difference, so new rows start at
// it). lr_power = -0.5 (the default) takes a square-root fast path. With lr = 0 a step leaves
// rows and slots unchanged (the update divides by lr).
// Thread-safety: as SparseOptimizer.
#pragma once

#include "recis/optim/sparse_optimizer.h"

namespace recis::optim {

struct FtrlOptions {
  double lr_power = -0.5;  // <= 0
  double l1 = 0;
  double l2 = 0;
  double beta = 0;
  double initial_accumulator_value = 0.1;
};

class Ftrl : public SparseOptimizer {
 public:
  Ftrl(const SparseOptimizerOptions& base, const FtrlOptions& options = {});
  std::string_view name() const override { return "ftrl"; }
  std::vector<embedding::SlotSpec> slots(std::size_t dim) const override;

 private:
  void update(const embedding::SparseGrad& grad, std::span<const std::size_t> slot_indexes,
              int64_t t) override;
  FtrlOptions options_;
};

}  // namespace recis::optim

// Sgd: plain stochastic gradient descent on embedding rows, as torch::optim::SGD without momentum:
//   g' = g + weight_decay * w;   w -= lr * g'
// No slots. Thread-safety: as SparseOptimizer.
#pragma once

#include "recis/optim/sparse_optimizer.h"

namespace recis::optim {

struct SgdOptions {
  double weight_decay = 0;
};

class Sgd : public SparseOptimizer {
 public:
  Sgd(const SparseOptimizerOptions& base, const SgdOptions& options = {});
  std::string_view name() const override { return "sgd"; }
  std::vector<embedding::SlotSpec> slots(std::size_t dim) const override;

 private:
  void update(const embedding::SparseGrad& grad, std::span<const std::size_t> slot_indexes,
              int64_t t) override;
  SgdOptions options_;
};

}  // namespace recis::optim

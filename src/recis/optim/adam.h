// Adam: the Adam family on embedding rows, slots adam_m and adam_v (dim floats each; the three
// variants share them). With t the global step (see sparse_optimizer.h) and g the reduced gradient:
//   Adam     (torch::optim::Adam):  g += weight_decay * w, then
//              m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2
//              w -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
//   AdamW    (torch::optim::AdamW): w *= 1 - lr*weight_decay, then the Adam update without L2
//   AdamWTF  (RecIS's adamw_tf):    w *= 1 - weight_decay, then m and v as above and
//              w -= lr*sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)
// (bias correction folded into the learning rate, epsilon not scaled, as TensorFlow's Adam).
// Thread-safety: as SparseOptimizer.
#pragma once

#include "recis/optim/sparse_optimizer.h"

namespace recis::optim {

enum class AdamVariant { Adam, AdamW, AdamWTF };

struct AdamOptions {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;
};

class Adam : public SparseOptimizer {
 public:
  Adam(const SparseOptimizerOptions& base, const AdamOptions& options = {},
       AdamVariant variant = AdamVariant::Adam);
  // "adam", "adamw" or "adamw_tf"
  std::string_view name() const override;
  std::vector<embedding::SlotSpec> slots(std::size_t dim) const override;

 private:
  void update(const embedding::SparseGrad& grad, std::span<const std::size_t> slot_indexes,
              int64_t t) override;
  AdamOptions options_;
  AdamVariant variant_;
};

}  // namespace recis::optim

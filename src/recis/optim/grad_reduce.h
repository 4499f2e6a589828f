// GradReduction: how a table's summed sparse gradient becomes the gradient the optimizer applies,
// as RecIS's grad_reduce_by:
//   Worker - divide by the number of workers (the sum over every rank's batch becomes a mean over
//            workers; world_size 1 leaves the sum unchanged);
//   Id     - divide each row by its occurrence count (SparseGrad::counts): the mean over the
//            occurrences of the id.
// Applied by every SparseOptimizer as it reads a gradient row, and by clip_grad_global_norm when
// it measures the norm, so clipping sees the gradient the optimizer applies. Plain value type.
#pragma once

#include <cstdint>
#include <string_view>

namespace recis::optim {

enum class GradReduce { Worker, Id };

// Parses "worker" | "id"; throws ConfigError otherwise.
GradReduce parse_grad_reduce(std::string_view name);
std::string_view grad_reduce_name(GradReduce mode);

struct GradReduction {
  GradReduce by = GradReduce::Worker;
  int64_t world_size = 1;  // Worker: >= 1

  // The factor row i's summed gradient is multiplied by; counts may be null for Worker.
  float scale(const int64_t* counts, int64_t i) const {
    if (by == GradReduce::Id) return 1.0f / static_cast<float>(counts[i]);
    return 1.0f / static_cast<float>(world_size);
  }
};

}  // namespace recis::optim

// GAUC: the AUC within each group (a user or a session), averaged with each group weighted by its
// number of samples. Groups whose samples are all positive or all negative have no AUC and are
// skipped (counted in `skipped_groups`), as in RecIS and the usual GAUC definitions. Called by the
// trainer's evaluation. Pure function, thread-safe.
#pragma once

#include <cstdint>
#include <span>

namespace recis::train {

struct GaucResult {
  double value = 0;            // NaN when no group has both classes
  int64_t used_groups = 0;     // groups that contributed
  int64_t skipped_groups = 0;  // single-class groups
};

GaucResult gauc(std::span<const float> scores, std::span<const float> labels,
                std::span<const int64_t> groups);

}  // namespace recis::train

#include "recis/train/gauc.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "recis/common/error.h"
#include "recis/train/auc.h"

namespace recis::train {

GaucResult gauc(std::span<const float> scores, std::span<const float> labels,
                std::span<const int64_t> groups) {
  if (scores.size() != labels.size() || scores.size() != groups.size()) {
    throw Error("gauc: scores, labels and groups differ in length (" +
                std::to_string(scores.size()) + ", " + std::to_string(labels.size()) + ", " +
                std::to_string(groups.size()) + ")");
  }
  std::vector<uint32_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return groups[a] < groups[b]; });

  GaucResult result;
  double weighted_sum = 0;
  double weight_total = 0;
  std::vector<float> group_scores, group_labels;
  for (std::size_t begin = 0; begin < order.size();) {
    std::size_t end = begin;
    group_scores.clear();
    group_labels.clear();
    while (end < order.size() && groups[order[end]] == groups[order[begin]]) {
      group_scores.push_back(scores[order[end]]);
      group_labels.push_back(labels[order[end]]);
      ++end;
    }
    const double auc = exact_auc(group_scores, group_labels);
    if (std::isnan(auc)) {
      ++result.skipped_groups;
    } else {
      ++result.used_groups;
      weighted_sum += auc * double(group_scores.size());
      weight_total += double(group_scores.size());
    }
    begin = end;
  }
  result.value = weight_total > 0 ? weighted_sum / weight_total
                                  : std::numeric_limits<double>::quiet_NaN();
  return result;
}

}  // namespace recis::train

#include "recis/common/exact_auc.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "recis/common/error.h"

namespace recis {

double exact_auc(std::span<const float> scores, std::span<const float> labels) {
  if (scores.size() != labels.size()) {
    throw Error("exact_auc: " + std::to_string(scores.size()) + " scores but " +
                std::to_string(labels.size()) + " labels");
  }
  const std::size_t n = scores.size();
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return scores[a] < scores[b]; });
  // Sum of the (1-based, tie-averaged) ranks of the positives.
  double positive_rank_sum = 0;
  std::size_t positives = 0;
  for (std::size_t begin = 0; begin < n;) {
    std::size_t end = begin + 1;
    while (end < n && scores[order[end]] == scores[order[begin]]) ++end;
    const double average_rank = 0.5 * double(begin + 1 + end);
    for (std::size_t i = begin; i < end; ++i) {
      if (labels[order[i]] > 0.5f) {
        positive_rank_sum += average_rank;
        ++positives;
      }
    }
    begin = end;
  }
  const std::size_t negatives = n - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
  const double p = double(positives);
  return (positive_rank_sum - p * (p + 1) / 2) / (p * double(negatives));
}

}  // namespace recis

#include "recis/train/binary_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "recis/common/error.h"

namespace recis::train {
namespace {

void check_sizes(std::span<const float> probabilities, std::span<const float> labels,
                 const char* what) {
  if (probabilities.size() != labels.size()) {
    throw Error(std::string(what) + ": " + std::to_string(probabilities.size()) +
                " predictions but " + std::to_string(labels.size()) + " labels");
  }
}

}  // namespace

double logloss(std::span<const float> probabilities, std::span<const float> labels) {
  check_sizes(probabilities, labels, "logloss");
  if (probabilities.empty()) return std::numeric_limits<double>::quiet_NaN();
  constexpr double kClip = 1e-7;
  double total = 0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const double p = std::clamp(double(probabilities[i]), kClip, 1.0 - kClip);
    const double y = labels[i];
    total -= y * std::log(p) + (1.0 - y) * std::log(1.0 - p);
  }
  return total / double(probabilities.size());
}

double calibration(std::span<const float> probabilities, std::span<const float> labels) {
  check_sizes(probabilities, labels, "calibration");
  double prediction_sum = 0, label_sum = 0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    prediction_sum += probabilities[i];
    label_sum += labels[i];
  }
  if (label_sum == 0) return std::numeric_limits<double>::quiet_NaN();
  return prediction_sum / label_sum;
}

}  // namespace recis::train

#include "recis/train/auc.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "recis/common/error.h"

namespace recis::train {
namespace {

void check_sizes(std::span<const float> scores, std::span<const float> labels, const char* what) {
  if (scores.size() != labels.size()) {
    throw Error(std::string(what) + ": " + std::to_string(scores.size()) + " scores but " +
                std::to_string(labels.size()) + " labels");
  }
}

}  // namespace

ThresholdedAuroc::ThresholdedAuroc(int num_thresholds) {
  if (num_thresholds <= 2) {
    throw ConfigError("AUROC: num_thresholds must be > 2, got " + std::to_string(num_thresholds));
  }
  constexpr double kEpsilon = 1e-7;
  thresholds_.push_back(float(0.0 - kEpsilon));
  for (int i = 0; i < num_thresholds - 2; ++i) {
    thresholds_.push_back(float((i + 1) * 1.0 / (num_thresholds - 1)));
  }
  thresholds_.push_back(float(1.0 + kEpsilon));
  true_positives_.assign(thresholds_.size(), 0);
  false_positives_.assign(thresholds_.size(), 0);
}

void ThresholdedAuroc::update(std::span<const float> scores, std::span<const float> labels) {
  check_sizes(scores, labels, "AUROC");
  // A score is counted at every threshold strictly below it: thresholds [0, k) where k is the
  // number of thresholds < score. Accumulate a histogram by k, then suffix-sum.
  const std::size_t t = thresholds_.size();
  std::vector<int64_t> positives_at(t + 1, 0), negatives_at(t + 1, 0);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const float score = scores[i];
    if (!(score >= 0.0f && score <= 1.0f)) {
      throw Error("AUROC: prediction " + std::to_string(score) + " at index " + std::to_string(i) +
                  " is outside [0, 1]");
    }
    const std::size_t below = std::lower_bound(thresholds_.begin(), thresholds_.end(), score) -
                              thresholds_.begin();
    if (labels[i] > 0.5f) {
      ++positives_at[below];
      ++positives_;
    } else {
      ++negatives_at[below];
      ++negatives_;
    }
  }
  int64_t positives_above = 0, negatives_above = 0;
  for (std::size_t k = t; k-- > 0;) {
    positives_above += positives_at[k + 1];
    negatives_above += negatives_at[k + 1];
    true_positives_[k] += positives_above;
    false_positives_[k] += negatives_above;
  }
}

void ThresholdedAuroc::merge(const ThresholdedAuroc& other) {
  if (other.thresholds_.size() != thresholds_.size()) {
    throw Error("AUROC: cannot merge accumulators with different threshold counts");
  }
  for (std::size_t k = 0; k < thresholds_.size(); ++k) {
    true_positives_[k] += other.true_positives_[k];
    false_positives_[k] += other.false_positives_[k];
  }
  positives_ += other.positives_;
  negatives_ += other.negatives_;
}

double ThresholdedAuroc::compute() const {
  constexpr double kEpsilon = 1e-6;
  double area = 0;
  auto tpr = [&](std::size_t k) {
    return (double(true_positives_[k]) + kEpsilon) / (double(positives_) + kEpsilon);
  };
  auto fpr = [&](std::size_t k) {
    return double(false_positives_[k]) / (double(negatives_) + kEpsilon);
  };
  for (std::size_t k = 0; k + 1 < thresholds_.size(); ++k) {
    area += (fpr(k) - fpr(k + 1)) * (tpr(k) + tpr(k + 1)) / 2.0;
  }
  return area;
}

void ThresholdedAuroc::reset() {
  std::fill(true_positives_.begin(), true_positives_.end(), 0);
  std::fill(false_positives_.begin(), false_positives_.end(), 0);
  positives_ = negatives_ = 0;
}

}  // namespace recis::train

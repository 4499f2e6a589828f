// Ranking metrics for binary labels: the exact AUC (Mann-Whitney, ties share their average rank)
// and RecIS's thresholded AUROC (confusion counts at fixed thresholds, trapezoid over the ROC).
// Called by the trainer's evaluation and by GAUC. Pure functions; ThresholdedAuroc is a plain
// accumulator owned by one thread (merge() combines per-rank or per-thread copies).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "recis/common/exact_auc.h"

namespace recis::train {

// Exact area under the ROC curve (common/exact_auc.h; torch-free, shared with datagen/).
using ::recis::exact_auc;

// RecIS's AUROC: thresholds -1e-7, 1/(n-1), ..., (n-2)/(n-1), 1+1e-7; a prediction is positive
// when score > threshold; TPR = (tp+1e-6)/(tp+fn+1e-6), FPR = fp/(fp+tn+1e-6); area by the
// trapezoid rule. Scores must lie in [0, 1].
class ThresholdedAuroc {
 public:
  explicit ThresholdedAuroc(int num_thresholds = 200);

  // Throws recis::Error when sizes differ or a score is outside [0, 1].
  void update(std::span<const float> scores, std::span<const float> labels);
  void merge(const ThresholdedAuroc& other);
  double compute() const;
  void reset();

 private:
  std::vector<float> thresholds_;  // float32, as RecIS compares them
  std::vector<int64_t> true_positives_;   // per threshold
  std::vector<int64_t> false_positives_;  // per threshold
  int64_t positives_ = 0;
  int64_t negatives_ = 0;
};

}  // namespace recis::train

// The exact area under the ROC curve (Mann-Whitney U; tied scores share their average rank),
// torch-free so both the trainer's metrics (train/auc.h) and the sample-data generator's
// Bayes-optimal AUC (datagen/) use this one implementation. Pure function, thread-safe.
#pragma once

#include <span>

namespace recis {

// A label > 0.5 is positive. Tied scores count half. Returns NaN when either class is absent.
// Throws recis::Error when the spans differ in size.
double exact_auc(std::span<const float> scores, std::span<const float> labels);

}  // namespace recis

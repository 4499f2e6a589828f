// Pointwise metrics of a binary classifier's predicted probabilities: logloss (probabilities
// clipped to [1e-7, 1 - 1e-7]) and calibration (mean prediction / mean label). Called by the
// trainer's evaluation. Pure functions, thread-safe.
#pragma once

#include <span>

namespace recis::train {

double logloss(std::span<const float> probabilities, std::span<const float> labels);

// NaN when the mean label is zero.
double calibration(std::span<const float> probabilities, std::span<const float> labels);

}  // namespace recis::train

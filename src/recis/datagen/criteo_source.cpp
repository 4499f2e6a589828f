#include "recis/datagen/criteo_source.h"

#include <cmath>
#include <string>
#include <vector>

#include "recis/common/error.h"
#include "recis/datagen/counter_random.h"

namespace recis::datagen {
namespace {

// Rows drawn to solve the bias; their indexes lie far beyond any file's rows.
constexpr std::uint64_t kCalibrationRows = 20000;
constexpr std::uint64_t kCalibrationFirstRow = 1ULL << 62;
constexpr std::uint64_t kLabelSalt = 0x4c6162656cULL;

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// The bias b with mean(sigmoid(logit + b)) = rate, by bisection (the mean rises with b).
double solve_bias(const std::vector<double>& logits, double rate) {
  double low = -30, high = 30;
  for (int step = 0; step < 100; ++step) {
    const double middle = 0.5 * (low + high);
    double mean = 0;
    for (const double logit : logits) mean += sigmoid(logit + middle);
    mean /= static_cast<double>(logits.size());
    (mean < rate ? low : high) = middle;
  }
  return 0.5 * (low + high);
}

}  // namespace

CriteoSource::CriteoSource(std::uint64_t seed, bool with_sequence, double positive_rate)
    : seed_(seed), features_(seed, with_sequence), model_(seed) {
  if (!(positive_rate > 0 && positive_rate < 1)) {
    throw ConfigError("sample data: the positive rate must lie strictly between 0 and 1, got " +
                      std::to_string(positive_rate));
  }
  std::vector<double> logits;
  logits.reserve(kCalibrationRows);
  CriteoRow row;
  for (std::uint64_t i = 0; i < kCalibrationRows; ++i) {
    features_.draw(kCalibrationFirstRow + i, row);
    logits.push_back(model_.logit_without_bias(row));
  }
  bias_ = solve_bias(logits, positive_rate);
}

void CriteoSource::row(std::uint64_t index, CriteoRow& out) const {
  features_.draw(index, out);
  out.probability = sigmoid(model_.logit_without_bias(out) + bias_);
  out.label = unit_open(hash_key(seed_, index, kLabelSalt)) < out.probability;
}

}  // namespace recis::datagen

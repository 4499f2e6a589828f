#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "recis/common/error.h"
#include "recis/train/auc.h"
#include "recis/train/binary_metrics.h"
#include "recis/train/gauc.h"

namespace recis::train {
namespace {

// Pair-counting definition of the AUC: P(score+ > score-) + 0.5 P(tie).
double pairwise_auc(const std::vector<float>& scores, const std::vector<float>& labels) {
  double wins = 0, pairs = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (labels[i] <= 0.5f) continue;
    for (std::size_t j = 0; j < scores.size(); ++j) {
      if (labels[j] > 0.5f) continue;
      pairs += 1;
      wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
    }
  }
  return wins / pairs;
}

// RecIS's AUROC written out threshold by threshold, as its Python does it.
double recis_auroc_reference(const std::vector<float>& scores, const std::vector<float>& labels,
                             int n) {
  std::vector<float> thresholds{float(-1e-7)};
  for (int i = 0; i < n - 2; ++i) thresholds.push_back(float((i + 1) * 1.0 / (n - 1)));
  thresholds.push_back(float(1.0 + 1e-7));
  std::vector<double> tpr, fpr;
  for (float t : thresholds) {
    double tp = 0, fp = 0, tn = 0, fn = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      const bool predicted = scores[i] > t, actual = labels[i] > 0.5f;
      tp += predicted && actual;
      fp += predicted && !actual;
      tn += !predicted && !actual;
      fn += !predicted && actual;
    }
    tpr.push_back((tp + 1e-6) / (tp + fn + 1e-6));
    fpr.push_back(fp / (fp + tn + 1e-6));
  }
  double area = 0;
  for (int k = 0; k + 1 < n; ++k) area += (fpr[k] - fpr[k + 1]) * (tpr[k] + tpr[k + 1]) / 2.0;
  return area;
}

void random_data(std::size_t n, unsigned seed, std::vector<float>& scores,
                 std::vector<float>& labels) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  scores.resize(n);
  labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Coarse scores so ties are frequent; labels correlated with the score.
    scores[i] = std::round(uniform(rng) * 50.0f) / 50.0f;
    labels[i] = uniform(rng) < 0.2f + 0.6f * scores[i] ? 1.0f : 0.0f;
  }
}

TEST(ExactAuc, HandComputedCases) {
  EXPECT_DOUBLE_EQ(exact_auc(std::vector<float>{0.1f, 0.4f, 0.35f, 0.8f},
                             std::vector<float>{0, 0, 1, 1}),
                   0.75);
  EXPECT_DOUBLE_EQ(exact_auc(std::vector<float>{0.5f, 0.5f}, std::vector<float>{0, 1}), 0.5);
  EXPECT_DOUBLE_EQ(exact_auc(std::vector<float>{0.1f, 0.5f, 0.5f, 0.9f},
                             std::vector<float>{0, 0, 1, 1}),
                   0.875);
  EXPECT_TRUE(std::isnan(exact_auc(std::vector<float>{0.1f, 0.2f}, std::vector<float>{1, 1})));
  EXPECT_THROW(exact_auc(std::vector<float>{0.1f}, std::vector<float>{1, 0}), Error);
}

TEST(ExactAuc, MatchesPairCountingWithTies) {
  std::vector<float> scores, labels;
  for (unsigned seed = 1; seed <= 5; ++seed) {
    random_data(700, seed, scores, labels);
    EXPECT_NEAR(exact_auc(scores, labels), pairwise_auc(scores, labels), 1e-12) << seed;
  }
}

TEST(ThresholdedAuroc, MatchesRecisFormula) {
  std::vector<float> scores, labels;
  random_data(2000, 7, scores, labels);
  for (int n : {3, 10, 200}) {
    ThresholdedAuroc auroc(n);
    auroc.update(scores, labels);
    EXPECT_NEAR(auroc.compute(), recis_auroc_reference(scores, labels, n), 1e-12) << n;
  }
}

TEST(ThresholdedAuroc, PerfectSeparationIsOneAndTracksExactAuc) {
  ThresholdedAuroc perfect;
  perfect.update(std::vector<float>{0.9f, 0.7f, 0.3f, 0.1f}, std::vector<float>{1, 1, 0, 0});
  EXPECT_NEAR(perfect.compute(), 1.0, 1e-6);

  std::vector<float> scores, labels;
  random_data(5000, 11, scores, labels);
  ThresholdedAuroc auroc;
  auroc.update(scores, labels);
  EXPECT_NEAR(auroc.compute(), exact_auc(scores, labels), 0.01);
}

TEST(ThresholdedAuroc, MergeEqualsOneAccumulator) {
  std::vector<float> scores, labels;
  random_data(1000, 3, scores, labels);
  ThresholdedAuroc whole, first, second;
  whole.update(scores, labels);
  first.update(std::span(scores).first(400), std::span(labels).first(400));
  second.update(std::span(scores).subspan(400), std::span(labels).subspan(400));
  first.merge(second);
  EXPECT_DOUBLE_EQ(first.compute(), whole.compute());
  first.reset();
  first.update(scores, labels);
  EXPECT_DOUBLE_EQ(first.compute(), whole.compute());
}

TEST(ThresholdedAuroc, RejectsOutOfRangeAndBadConfig) {
  ThresholdedAuroc auroc;
  EXPECT_THROW(auroc.update(std::vector<float>{1.5f}, std::vector<float>{1}), Error);
  EXPECT_THROW(auroc.update(std::vector<float>{NAN}, std::vector<float>{1}), Error);
  EXPECT_THROW(ThresholdedAuroc(2), ConfigError);
}

TEST(Gauc, WeightsGroupsBySizeAndSkipsSingleClassGroups) {
  const std::vector<float> scores{0.9f, 0.2f, 0.1f, 0.8f, 0.3f, 0.5f};
  const std::vector<float> labels{1, 1, 0, 0, 1, 0};
  const std::vector<int64_t> groups{1, 2, 1, 2, 3, 2};
  // group 1: (0.9,+) (0.1,-) -> 1.0 over 2 samples; group 2: (0.2,+) (0.8,-) (0.5,-) -> 0.0 over
  // 3 samples; group 3 has one class and is skipped.
  const GaucResult result = gauc(scores, labels, groups);
  EXPECT_DOUBLE_EQ(result.value, (1.0 * 2 + 0.0 * 3) / 5);
  EXPECT_EQ(result.used_groups, 2);
  EXPECT_EQ(result.skipped_groups, 1);
}

TEST(Gauc, OneGroupEqualsAuc) {
  std::vector<float> scores, labels;
  random_data(500, 5, scores, labels);
  const std::vector<int64_t> groups(scores.size(), 42);
  EXPECT_DOUBLE_EQ(gauc(scores, labels, groups).value, exact_auc(scores, labels));
  EXPECT_TRUE(std::isnan(gauc(std::vector<float>{0.1f}, std::vector<float>{1},
                              std::vector<int64_t>{1})
                             .value));
}

TEST(BinaryMetrics, LoglossAndCalibrationHandComputed) {
  EXPECT_NEAR(logloss(std::vector<float>{0.5f}, std::vector<float>{1}), std::log(2.0), 1e-12);
  EXPECT_NEAR(logloss(std::vector<float>{0.9f, 0.2f}, std::vector<float>{1, 0}),
              -(std::log(double(0.9f)) + std::log(1.0 - double(0.2f))) / 2, 1e-12);
  // Clipping keeps a confident mistake finite: -log(1e-7).
  EXPECT_NEAR(logloss(std::vector<float>{0.0f}, std::vector<float>{1}), -std::log(1e-7), 1e-9);
  EXPECT_NEAR(calibration(std::vector<float>{0.2f, 0.4f}, std::vector<float>{0, 1}), 0.6, 1e-7);
  EXPECT_TRUE(std::isnan(calibration(std::vector<float>{0.2f}, std::vector<float>{0})));
  EXPECT_THROW(logloss(std::vector<float>{0.2f}, std::vector<float>{}), Error);
}

}  // namespace
}  // namespace recis::train

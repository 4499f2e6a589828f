#include "recis/datagen/hidden_model.h"

#include <array>
#include <cmath>
#include <utility>

#include "recis/datagen/counter_random.h"
#include "recis/datagen/criteo_layout.h"

namespace recis::datagen {
namespace {

enum WeightKind : std::uint64_t { kIdWeight = 1, kNumericWeight = 2, kFactor = 3 };

constexpr double kNumericScale = 0.18;
constexpr double kSequenceWeight = 2.0;
constexpr std::size_t kFactorDim = 4;
constexpr double kFactorScale = 0.47;

// Pairs of single-valued columns whose hidden factors interact (0-based column indexes; their
// vocabularies run from 25 to 10^4 ids, so a model sees each pair's head often).
constexpr std::array<std::pair<std::size_t, std::size_t>, 4> kInteractingPairs = {
    {{0, 4}, {1, 9}, {3, 16}, {7, 13}}};

// Per-id weight scale: small vocabularies carry more signal per id, huge ones less (their tail
// ids are seen too rarely for any model to learn them).
double id_weight_scale(std::uint64_t vocabulary) {
  if (vocabulary <= 1000) return 0.25;
  if (vocabulary <= 100000) return 0.17;
  return 0.085;
}

// Effects shrink with an id's Zipf rank, as in click logs, where rare ids carry little signal
// of their own: by 1 / (1 + rank / kShrinkRank).
constexpr double kShrinkRank = 30;

double rank_shrink(std::uint64_t rank) {
  return 1.0 / (1.0 + static_cast<double>(rank) / kShrinkRank);
}

// The hidden factor of (column, rank): kFactorDim normals from kFactorDim / 2 Box-Muller pairs.
std::array<double, kFactorDim> factor(std::uint64_t seed, std::size_t column, std::uint64_t rank) {
  std::array<double, kFactorDim> v;
  const double scale = kFactorScale * std::sqrt(rank_shrink(rank));
  for (std::size_t d = 0; d < kFactorDim; d += 2) {
    const auto [first, second] = hashed_normal_pair(hash_key(seed, kFactor + d, column, rank));
    v[d] = scale * first;
    v[d + 1] = scale * second;
  }
  return v;
}

}  // namespace

HiddenModel::HiddenModel(std::uint64_t seed) : seed_(seed) {
  for (std::size_t j = 0; j < kNumericColumns; ++j) {
    numeric_weights_[j] = kNumericScale * hashed_normal(hash_key(seed_, kNumericWeight, j));
  }
}

double HiddenModel::logit_without_bias(const CriteoRow& row) const {
  double logit = first_order(row) + interactions(row);
  if (!row.hist_ranks.empty()) {
    const double related_share =
        static_cast<double>(row.related_in_hist) / static_cast<double>(row.hist_ranks.size());
    logit += kSequenceWeight * (related_share - 0.5);
  }
  return logit;
}

double HiddenModel::first_order(const CriteoRow& row) const {
  const auto categorical = categorical_columns();
  double logit = 0;
  for (std::size_t c = 0; c < kCategoricalColumns; ++c) {
    const std::uint32_t ids = row.num_ids(c);
    if (ids == 0) continue;
    double sum = 0;
    for (std::uint32_t k = row.rank_offsets[c]; k < row.rank_offsets[c + 1]; ++k) {
      sum += rank_shrink(row.ranks[k]) * hashed_normal(hash_key(seed_, kIdWeight, c, row.ranks[k]));
    }
    logit += id_weight_scale(categorical[c].vocabulary) * sum / ids;
  }
  for (std::size_t j = 0; j < kNumericColumns; ++j) {
    if (row.numeric_state[j] != NumericState::Present) continue;
    // The value a model sees, standardised: log(1 + value) undoes the log-normal draw up to the
    // rounding down, so a model fed log1p(value) can learn this term exactly.
    const NumericColumn& column = numeric_columns()[j];
    const double seen = (std::log1p(row.numeric_value[j]) - column.log_mean) / column.log_sd;
    logit += numeric_weights_[j] * seen;
  }
  return logit;
}

double HiddenModel::interactions(const CriteoRow& row) const {
  double logit = 0;
  for (const auto& [a, b] : kInteractingPairs) {
    if (row.num_ids(a) == 0 || row.num_ids(b) == 0) continue;
    const auto va = factor(seed_, a, row.ranks[row.rank_offsets[a]]);
    const auto vb = factor(seed_, b, row.ranks[row.rank_offsets[b]]);
    for (std::size_t d = 0; d < kFactorDim; ++d) logit += va[d] * vb[d];
  }
  return logit;
}

}  // namespace recis::datagen

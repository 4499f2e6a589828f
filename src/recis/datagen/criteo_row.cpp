#include "recis/datagen/criteo_row.h"

#include <algorithm>
#include <cmath>

#include "recis/datagen/criteo_layout.h"

namespace recis::datagen {
namespace {

// Exponent of every column's Zipf law: a heavy head, as in click logs.
constexpr double kZipfExponent = 1.05;

}  // namespace

FeatureSampler::FeatureSampler(std::uint64_t seed, bool with_sequence)
    : seed_(seed), with_sequence_(with_sequence) {
  for (const auto& column : categorical_columns())
    vocabularies_.emplace_back(column.vocabulary, kZipfExponent);
}

void FeatureSampler::draw(std::uint64_t row_index, CriteoRow& row) const {
  CounterRandom random(hash_key(seed_, row_index, 0x526f7753ULL));
  const auto categorical = categorical_columns();
  row.ranks.clear();
  for (std::size_t c = 0; c < kCategoricalColumns; ++c) {
    row.rank_offsets[c] = static_cast<std::uint32_t>(row.ranks.size());
    if (random.chance(categorical[c].missing_rate)) continue;
    const auto count = 1 + random.below(static_cast<std::uint64_t>(categorical[c].max_ids));
    for (std::uint64_t k = 0; k < count; ++k) row.ranks.push_back(vocabularies_[c].sample(random));
  }
  row.rank_offsets[kCategoricalColumns] = static_cast<std::uint32_t>(row.ranks.size());

  const auto numeric = numeric_columns();
  for (std::size_t j = 0; j < kNumericColumns; ++j) {
    row.numeric_latent[j] = 0;
    row.numeric_value[j] = 0;
    if (random.chance(numeric[j].missing_rate)) {
      row.numeric_state[j] = random.chance(0.5) ? NumericState::Null : NumericState::Empty;
      continue;
    }
    row.numeric_state[j] = NumericState::Present;
    const double z = random.normal();
    row.numeric_latent[j] = z;
    row.numeric_value[j] = std::floor(std::exp(numeric[j].log_mean + numeric[j].log_sd * z));
  }
  if (with_sequence_) draw_sequence(random, row);
}

// Each row has an interest in its c1 target, rho ~ U(0, 1); each of its 0..50 history items is,
// with probability rho, a rank from the target's cluster, otherwise a Zipf draw from c1.
void FeatureSampler::draw_sequence(CounterRandom& random, CriteoRow& row) const {
  row.hist_ranks.clear();
  row.related_in_hist = 0;
  const std::uint64_t length = random.below(kMaxSequenceLength + 1);
  const double interest = random.uniform();
  const ZipfSampler& source = vocabularies_[kSequenceSourceColumn];
  const bool has_target = row.num_ids(kSequenceSourceColumn) > 0;
  const std::uint64_t target = has_target ? row.ranks[row.rank_offsets[kSequenceSourceColumn]] : 0;
  const std::uint64_t cluster_begin = target / kHistClusterSize * kHistClusterSize;
  const std::uint64_t cluster_size = std::min(kHistClusterSize, source.size() - cluster_begin);
  for (std::uint64_t k = 0; k < length; ++k) {
    if (has_target && random.chance(interest)) {
      row.hist_ranks.push_back(cluster_begin + random.below(cluster_size));
      ++row.related_in_hist;
    } else {
      row.hist_ranks.push_back(source.sample(random));
    }
  }
}

}  // namespace recis::datagen

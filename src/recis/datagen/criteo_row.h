// CriteoRow: one generated row before it is stored — the ranks drawn for each categorical column,
// each numeric column's latent normal and value, the `hist` sequence — and FeatureSampler, which
// draws a row's features from its own counter-based stream (seed, row index), so row r is the
// same whatever file or thread produces it. Used by CriteoSource. Thread-safety: a FeatureSampler
// is immutable after construction and may be shared; a CriteoRow belongs to one thread.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "recis/datagen/zipf_sampler.h"

namespace recis::datagen {

inline constexpr std::size_t kCategoricalColumns = 26;
inline constexpr std::size_t kNumericColumns = 13;

enum class NumericState : std::uint8_t { Present, Null, Empty };

struct CriteoRow {
  // Ranks of column c are ranks[rank_offsets[c] .. rank_offsets[c + 1]).
  std::vector<std::uint64_t> ranks;
  std::array<std::uint32_t, kCategoricalColumns + 1> rank_offsets{};
  std::array<NumericState, kNumericColumns> numeric_state{};
  std::array<double, kNumericColumns> numeric_latent{};  // z ~ N(0, 1) behind the value
  std::array<double, kNumericColumns> numeric_value{};   // floor(exp(log_mean + log_sd * z))
  // `hist` ranks in c1's vocabulary; `related_in_hist` of them share the c1 target's cluster.
  std::vector<std::uint64_t> hist_ranks;
  std::uint32_t related_in_hist = 0;
  double probability = 0;  // the hidden model's P(label = 1)
  bool label = false;

  std::uint32_t num_ids(std::size_t column) const {
    return rank_offsets[column + 1] - rank_offsets[column];
  }
};

// c1 ranks are grouped into clusters of this many consecutive ranks; a "related" history item
// lies in the target's cluster.
inline constexpr std::uint64_t kHistClusterSize = 16;

class FeatureSampler {
 public:
  FeatureSampler(std::uint64_t seed, bool with_sequence);

  // Fills every field of `row` except probability and label.
  void draw(std::uint64_t row_index, CriteoRow& row) const;

 private:
  void draw_sequence(CounterRandom& random, CriteoRow& row) const;

  std::uint64_t seed_;
  bool with_sequence_;
  std::vector<ZipfSampler> vocabularies_;  // one per categorical column
};

}  // namespace recis::datagen

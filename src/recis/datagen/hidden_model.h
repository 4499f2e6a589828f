// HiddenModel: the logistic model behind the sample data's labels. Its logit is
//   bias
//   + sum over categorical columns c of  scale_c * mean over the row's ids of w(c, id)
//   + sum over numeric columns j of      a_j * (log(1 + x_j) - mu_j) / sigma_j  (x_j: the value)
//   + sum over interacting pairs (c, d) of <v(c, id_c), v(d, id_d)>   (4-dim hidden factors)
//   + kSequenceWeight * (related share of `hist` - 1/2)        (only with the sequence column)
// where every weight is a pure function of (seed, column, id) drawn from N(0, 1), shrunk with the
// id's Zipf rank (rare ids carry little signal, as in click logs): a first-order part and
// pairwise interactions, learnable by DeepFM / DCN, and a target-attention part for DIN. Every
// term depends only on what the row stores, so the Bayes-optimal AUC is reachable in principle.
// Used by CriteoSource. Thread-safety: immutable; logit() may be called concurrently.
#pragma once

#include <array>
#include <cstdint>

#include "recis/datagen/criteo_row.h"

namespace recis::datagen {

class HiddenModel {
 public:
  explicit HiddenModel(std::uint64_t seed);

  // The logit of `row` without the bias (the bias is solved for a positive rate by CriteoSource).
  double logit_without_bias(const CriteoRow& row) const;

 private:
  double first_order(const CriteoRow& row) const;
  double interactions(const CriteoRow& row) const;

  std::uint64_t seed_;
  std::array<double, kNumericColumns> numeric_weights_;  // a_j, scale included
};

}  // namespace recis::datagen

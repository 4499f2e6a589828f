// CriteoSource: row i of the Criteo-like sample data for a seed — its features (FeatureSampler),
// the hidden model's probability and a label drawn from it. The model's bias is solved at
// construction so that the mean probability over a calibration sample equals the requested
// positive rate. Used by the generator (files) and by tests (expected rows).
// Thread-safety: immutable after construction; row() may be called concurrently.
#pragma once

#include <cstdint>

#include "recis/datagen/criteo_row.h"
#include "recis/datagen/hidden_model.h"

namespace recis::datagen {

class CriteoSource {
 public:
  // Throws ConfigError unless 0 < positive_rate < 1.
  CriteoSource(std::uint64_t seed, bool with_sequence, double positive_rate);

  void row(std::uint64_t index, CriteoRow& out) const;

  double bias() const { return bias_; }

 private:
  std::uint64_t seed_;
  FeatureSampler features_;
  HiddenModel model_;
  double bias_ = 0;
};

}  // namespace recis::datagen

#include "zipf_ids.h"

#include <algorithm>
#include <cmath>

namespace recis::bench {

std::vector<int64_t> zipf_ranks(std::mt19937_64& rng, int64_t vocab, int64_t count) {
  std::vector<double> cdf(static_cast<std::size_t>(vocab));
  double total = 0;
  for (int64_t r = 0; r < vocab; ++r) cdf[r] = total += std::pow(double(r + 1), -1.05);
  std::uniform_real_distribution<double> u(0, total);
  std::vector<int64_t> ranks(static_cast<std::size_t>(count));
  for (auto& rank : ranks) {
    rank = std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin();
  }
  return ranks;
}

}  // namespace recis::bench

#include "recis/feature/segmented_pass.h"

#include <algorithm>

namespace recis::feature {

void parallel_over_segments(ThreadPool& pool, const std::vector<int64_t>& lengths,
                            std::size_t grain,
                            const std::function<void(std::size_t, int64_t, int64_t)>& body) {
  std::vector<int64_t> starts(lengths.size() + 1, 0);
  for (std::size_t s = 0; s < lengths.size(); ++s) starts[s + 1] = starts[s] + lengths[s];
  const auto total = static_cast<std::size_t>(starts.back());
  pool.parallel_for(total, grain, [&](std::size_t chunk_begin, std::size_t chunk_end) {
    const auto begin = static_cast<int64_t>(chunk_begin);
    const auto end = static_cast<int64_t>(chunk_end);
    // The segment holding `begin`: the last start <= begin (empty segments are skipped).
    std::size_t s = std::upper_bound(starts.begin(), starts.end(), begin) - starts.begin() - 1;
    for (; s < lengths.size() && starts[s] < end; ++s) {
      const int64_t piece_begin = std::max(begin, starts[s]);
      const int64_t piece_end = std::min(end, starts[s + 1]);
      if (piece_begin < piece_end) body(s, piece_begin - starts[s], piece_end - starts[s]);
    }
  });
}

}  // namespace recis::feature

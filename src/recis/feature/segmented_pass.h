// parallel_over_segments: the loop every fused kernel runs. Segment s has lengths[s] items; all
// items form one index space that the pool splits into chunks, and body(s, begin, end) is called
// for each piece of a segment inside a chunk. A small segment costs a function call, not a task.
// Thread-safety: body runs concurrently on disjoint pieces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "recis/common/thread_pool.h"

namespace recis::feature {

// Items per chunk below which splitting further is not worth a task.
inline constexpr std::size_t kDefaultGrain = 8192;

void parallel_over_segments(
    ThreadPool& pool, const std::vector<int64_t>& lengths, std::size_t grain,
    const std::function<void(std::size_t segment, int64_t begin, int64_t end)>& body);

}  // namespace recis::feature

// Zipf-distributed ranks for the embedding benches: ranks 0..vocab-1 with
// P(rank) ~ 1/(rank+1)^1.05 (click-log ids), drawn by inversion on a precomputed CDF.
// Callers: embedding_bench.cpp, python_embedding_bench.cpp. Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace recis::bench {

std::vector<int64_t> zipf_ranks(std::mt19937_64& rng, int64_t vocab, int64_t count);

}  // namespace recis::bench

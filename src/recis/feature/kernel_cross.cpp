// Fused cross: per row, the deduplicated ids of x times those of y, hashed pairwise.
// Pass 1 (parallel over the rows of all features) sorts and deduplicates each row of x and y into
// scratch space and counts the row's products; a prefix sum per feature sizes the output; pass 2
// (parallel again) writes the hashed pairs and weight products.
#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>

#include "recis/common/hash.h"
#include "recis/feature/kernel_support.h"
#include "recis/ragged/ragged_rows.h"

namespace recis::feature {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the cross hashes ids as little-endian bytes");

// Crossed ids one feature may produce per batch (each row yields |x| * |y| of them).
constexpr int64_t kMaxCrossOutputs = int64_t(1) << 31;

// One side of a cross: ids and optional weights per row, and its deduplicated copy.
struct CrossSide {
  const int64_t* offsets = nullptr;
  const int64_t* ids = nullptr;
  const float* weights = nullptr;   // null: every weight is 1
  std::vector<int64_t> unique_ids;  // row r's unique ids at offsets[r], count in unique_count[r]
  std::vector<float> unique_weights;
  std::vector<int64_t> unique_count;
};

struct CrossJob {
  ragged::RaggedTensor x;
  ragged::RaggedTensor y;
  CrossSide sx;
  CrossSide sy;
  torch::Tensor out_offsets;
  torch::Tensor out_ids;
  std::optional<torch::Tensor> out_weights;
};

ragged::RaggedTensor cross_input(const ragged::Column& column, const std::string& context,
                                 const char* side) {
  const auto* ragged = std::get_if<ragged::RaggedTensor>(&column);
  const ragged::RaggedTensor as_ragged =
      ragged ? *ragged : ragged::ragged_from_dense(std::get<torch::Tensor>(column));
  if (as_ragged.num_levels() != 2 || as_ragged.values().scalar_type() != torch::kInt64) {
    throw ConfigError(context + ": input " + side + " must be 2-level int64 ids, got " +
                      std::to_string(as_ragged.num_levels()) + " levels of " +
                      ragged::dtype_name(as_ragged.values().scalar_type()));
  }
  return as_ragged;
}

void bind_side(CrossSide& side, const ragged::RaggedTensor& input) {
  side.offsets = input.offsets()[0].data_ptr<int64_t>();
  side.ids = input.values().data_ptr<int64_t>();
  side.weights = input.has_weights() ? input.weights()->data_ptr<float>() : nullptr;
  side.unique_ids.resize(input.values().numel());
  side.unique_weights.resize(input.values().numel());
  side.unique_count.resize(input.batch_size());
}

// Sorts row r's (id, weight) pairs by id, keeping each id's first weight.
void dedup_row(CrossSide& side, int64_t r, std::vector<std::pair<int64_t, float>>& scratch) {
  const int64_t begin = side.offsets[r];
  const int64_t end = side.offsets[r + 1];
  scratch.clear();
  for (int64_t i = begin; i < end; ++i) {
    scratch.emplace_back(side.ids[i], side.weights ? side.weights[i] : 1.0f);
  }
  std::stable_sort(scratch.begin(), scratch.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  int64_t count = 0;
  for (std::size_t i = 0; i < scratch.size(); ++i) {
    if (i > 0 && scratch[i].first == scratch[i - 1].first) continue;
    side.unique_ids[begin + count] = scratch[i].first;
    side.unique_weights[begin + count] = scratch[i].second;
    ++count;
  }
  side.unique_count[r] = count;
}

}  // namespace

std::vector<FeatureValue> run_fused(const std::vector<OpCall<CrossOp>>& calls, ThreadPool& pool) {
  std::vector<CrossJob> jobs;
  jobs.reserve(calls.size());
  std::vector<int64_t> rows;
  for (const auto& call : calls) {
    const std::string context = call_context(call);
    if (call.input->size() != 2) {
      throw ConfigError(context + ": crosses 2 columns, got " + std::to_string(call.input->size()));
    }
    CrossJob job{cross_input((*call.input)[0], context, "x"),
                 cross_input((*call.input)[1], context, "y"),
                 {},
                 {},
                 {},
                 {},
                 {}};
    if (job.x.batch_size() != job.y.batch_size()) {
      throw ConfigError(context + ": x has " + std::to_string(job.x.batch_size()) +
                        " rows but y has " + std::to_string(job.y.batch_size()));
    }
    rows.push_back(job.x.batch_size());
    jobs.push_back(std::move(job));
  }
  for (auto& job : jobs) {
    bind_side(job.sx, job.x);
    bind_side(job.sy, job.y);
  }

  parallel_over_segments(pool, rows, kDefaultGrain / 8,
                         [&](std::size_t s, int64_t begin, int64_t end) {
                           std::vector<std::pair<int64_t, float>> scratch;
                           for (int64_t r = begin; r < end; ++r) {
                             dedup_row(jobs[s].sx, r, scratch);
                             dedup_row(jobs[s].sy, r, scratch);
                           }
                         });

  for (std::size_t s = 0; s < jobs.size(); ++s) {
    CrossJob& job = jobs[s];
    const int64_t batch = job.x.batch_size();
    job.out_offsets = torch::empty({batch + 1}, torch::kInt64);
    int64_t* offsets = job.out_offsets.data_ptr<int64_t>();
    offsets[0] = 0;
    for (int64_t r = 0; r < batch; ++r) {
      const int64_t nx = job.sx.unique_count[r];
      const int64_t ny = job.sy.unique_count[r];
      if (nx > 0 && ny > (kMaxCrossOutputs - offsets[r]) / nx) {
        throw Error(call_context(calls[s]) + ": row " + std::to_string(r) + " crosses " +
                    std::to_string(nx) + " x " + std::to_string(ny) +
                    " ids, past the limit of 2^31 crossed ids per batch");
      }
      offsets[r + 1] = offsets[r] + nx * ny;
    }
    job.out_ids = torch::empty({offsets[batch]}, torch::kInt64);
    if (job.x.has_weights() || job.y.has_weights()) {
      job.out_weights = torch::empty({offsets[batch]}, torch::kFloat32);
    }
  }

  parallel_over_segments(
      pool, rows, kDefaultGrain / 8, [&](std::size_t s, int64_t begin, int64_t end) {
        CrossJob& job = jobs[s];
        const int64_t* offsets = job.out_offsets.data_ptr<int64_t>();
        int64_t* out_ids = job.out_ids.data_ptr<int64_t>();
        float* out_weights = job.out_weights ? job.out_weights->data_ptr<float>() : nullptr;
        for (int64_t r = begin; r < end; ++r) {
          int64_t out = offsets[r];
          const int64_t x0 = job.sx.offsets[r];
          const int64_t y0 = job.sy.offsets[r];
          for (int64_t i = 0; i < job.sx.unique_count[r]; ++i) {
            for (int64_t j = 0; j < job.sy.unique_count[r]; ++j, ++out) {
              int64_t pair[2] = {job.sx.unique_ids[x0 + i], job.sy.unique_ids[y0 + j]};
              out_ids[out] = static_cast<int64_t>(murmur_hash64a(pair, sizeof(pair)));
              if (out_weights) {
                out_weights[out] = job.sx.unique_weights[x0 + i] * job.sy.unique_weights[y0 + j];
              }
            }
          }
        }
      });

  std::vector<FeatureValue> results;
  results.reserve(jobs.size());
  for (auto& job : jobs) {
    results.push_back({ragged::RaggedTensor(job.out_ids, {job.out_offsets}, job.out_weights)});
  }
  return results;
}

}  // namespace recis::feature

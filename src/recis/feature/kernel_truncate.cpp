// Fused truncate: every row keeps at most seq_len entries (left: the last ones, right: the first).
// Pass 1 (parallel over the rows of all features) counts the values each row keeps; a prefix sum
// per feature places them; pass 2 (parallel) copies them and, for 3 levels, writes each row's
// seq_len inner lists, the missing ones empty.
#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include "recis/feature/kernel_support.h"

namespace recis::feature {
namespace {

// Inner lists a 3-level truncate may produce per batch (rows x seq_len).
constexpr int64_t kMaxInnerLists = int64_t(1) << 31;

struct TruncateJob {
  const ragged::RaggedTensor* input = nullptr;
  std::size_t element_size = 0;
  int64_t seq_len = 0;
  bool keep_last = false;
  std::vector<int64_t> kept;  // pass 1: values kept per row; then their output start
  torch::Tensor out_values;
  std::vector<torch::Tensor> out_offsets;
  std::optional<torch::Tensor> out_weights;
};

// The entries of the row's top level (values for 2 levels, inner lists for 3) that it keeps.
std::pair<int64_t, int64_t> kept_range(const TruncateJob& job, int64_t r) {
  const int64_t* outer = job.input->offsets()[0].data_ptr<int64_t>();
  const int64_t length = outer[r + 1] - outer[r];
  const int64_t keep = std::min(length, job.seq_len);
  const int64_t first = job.keep_last ? outer[r + 1] - keep : outer[r];
  return {first, first + keep};
}

// Values [begin, end) of the row's kept entries.
std::pair<int64_t, int64_t> kept_values(const TruncateJob& job, int64_t r) {
  const auto [first, last] = kept_range(job, r);
  if (job.input->num_levels() == 2) return {first, last};
  const int64_t* inner = job.input->offsets()[1].data_ptr<int64_t>();
  return {inner[first], inner[last]};
}

}  // namespace

std::vector<FeatureValue> run_fused(const std::vector<OpCall<TruncateOp>>& calls,
                                    ThreadPool& pool) {
  std::vector<TruncateJob> jobs(calls.size());
  std::vector<int64_t> rows;
  for (std::size_t s = 0; s < calls.size(); ++s) {
    const auto& call = calls[s];
    const std::string context = call_context(call);
    const auto* input = std::get_if<ragged::RaggedTensor>(&only_column(call));
    if (!input || input->is_byte_strings() || input->num_levels() != call.op->n_dims) {
      throw ConfigError(context + ": n_dims=" + std::to_string(call.op->n_dims) +
                        " needs a RaggedTensor of " + std::to_string(call.op->n_dims) +
                        " levels of numbers, got " +
                        (input ? std::to_string(input->num_levels()) + " levels of " +
                                     ragged::dtype_name(input->values().scalar_type())
                               : std::string("a dense tensor")));
    }
    TruncateJob& job = jobs[s];
    job.input = input;
    job.element_size = input->values().element_size();
    job.seq_len = call.op->seq_len;
    job.keep_last = call.op->side == TruncateSide::Left;
    job.kept.resize(input->batch_size());
    rows.push_back(input->batch_size());
  }

  parallel_over_segments(pool, rows, kDefaultGrain, [&](std::size_t s, int64_t begin, int64_t end) {
    TruncateJob& job = jobs[s];
    const int64_t* outer = job.input->offsets()[0].data_ptr<int64_t>();
    for (int64_t r = begin; r < end; ++r) {
      if (calls[s].op->check_length && outer[r + 1] - outer[r] > job.seq_len) {
        throw ConfigError(call_context(calls[s]) + ": row " + std::to_string(r) + " has " +
                          std::to_string(outer[r + 1] - outer[r]) + " entries, more than seq_len " +
                          std::to_string(job.seq_len) + " (check_length is on)");
      }
      const auto [first, last] = kept_values(job, r);
      job.kept[r] = last - first;
    }
  });

  for (std::size_t s = 0; s < jobs.size(); ++s) {
    TruncateJob& job = jobs[s];
    int64_t total = 0;
    for (auto& kept : job.kept) total += std::exchange(kept, total);
    const auto& values = job.input->values();
    job.out_values = torch::empty({total}, values.options());
    if (job.input->has_weights()) job.out_weights = torch::empty({total}, torch::kFloat32);
    const int64_t batch = job.input->batch_size();
    if (job.input->num_levels() == 2) {
      job.out_offsets.push_back(torch::empty({batch + 1}, torch::kInt64));
    } else {
      if (batch > kMaxInnerLists / job.seq_len) {
        throw Error(call_context(calls[s]) + ": " + std::to_string(batch) + " rows x seq_len " +
                    std::to_string(job.seq_len) + " inner lists is past the limit of 2^31");
      }
      job.out_offsets.push_back(torch::arange(0, batch + 1, torch::kInt64) * job.seq_len);
      job.out_offsets.push_back(torch::empty({batch * job.seq_len + 1}, torch::kInt64));
    }
    job.out_offsets.back().data_ptr<int64_t>()[0] = 0;
  }

  parallel_over_segments(pool, rows, kDefaultGrain, [&](std::size_t s, int64_t begin, int64_t end) {
    TruncateJob& job = jobs[s];
    const auto* src = static_cast<const char*>(job.input->values().data_ptr());
    auto* dst = static_cast<char*>(job.out_values.data_ptr());
    const float* weights =
        job.input->has_weights() ? job.input->weights()->data_ptr<float>() : nullptr;
    float* out_weights = job.out_weights ? job.out_weights->data_ptr<float>() : nullptr;
    int64_t* out_last = job.out_offsets.back().data_ptr<int64_t>();
    for (int64_t r = begin; r < end; ++r) {
      const auto [first, last] = kept_values(job, r);
      const int64_t start = job.kept[r];
      std::memcpy(dst + start * job.element_size, src + first * job.element_size,
                  (last - first) * job.element_size);
      if (out_weights) std::copy(weights + first, weights + last, out_weights + start);
      if (job.input->num_levels() == 2) {
        out_last[r + 1] = start + (last - first);
        continue;
      }
      // Inner list j of row r ends at out_last[r * seq_len + j + 1]; missing lists are empty.
      const int64_t* inner = job.input->offsets()[1].data_ptr<int64_t>();
      const auto [first_list, last_list] = kept_range(job, r);
      int64_t* slot_ends = out_last + r * job.seq_len + 1;
      for (int64_t j = 0; j < job.seq_len; ++j) {
        const int64_t list = first_list + j;
        slot_ends[j] = start + (list < last_list ? inner[list + 1] - inner[first_list]
                                                 : inner[last_list] - inner[first_list]);
      }
    }
  });

  std::vector<FeatureValue> results;
  results.reserve(jobs.size());
  for (auto& job : jobs) {
    results.push_back({ragged::RaggedTensor(job.out_values, job.out_offsets, job.out_weights)});
  }
  return results;
}

}  // namespace recis::feature

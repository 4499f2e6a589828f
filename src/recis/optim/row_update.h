// update_rows: the loop every sparse optimizer runs: for each row of a checked SparseGrad, hand
// the kernel the row's fp32 embedding, its gradient row, the reduction factor and its slots.
// Rows are split into chunks over the pool, each row prefetched a few rows ahead (rows come in
// random order); fp32 embeddings are updated in place, bf16/fp16 ones
// through a per-chunk fp32 buffer. Kernels are small structs whose call operator runs the update
// over dim in Float4 lanes (float4.h):
//   void operator()(float* w, const float* g, float scale, float* const* slots, std::size_t dim)
// Internal to src/recis/optim. Thread-safety: rows of one gradient must be distinct.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "recis/common/error.h"
#include "recis/common/thread_pool.h"
#include "recis/embedding/sparse_grad.h"
#include "recis/optim/grad_reduce.h"

namespace recis::optim {

inline constexpr std::size_t kMaxSlots = 4;  // the most any optimizer keeps per row

template <typename Kernel>
void update_rows(ThreadPool& pool, const embedding::SparseGrad& grad,
                 const GradReduction& reduction, std::span<const std::size_t> slot_indexes,
                 const Kernel& kernel) {
  const embedding::RowBlocks& blocks = grad.table->rows();
  const std::size_t dim = blocks.layout().dim();
  const bool fp32 = blocks.layout().element_type() == embedding::ElementType::F32;
  const int64_t* rows = grad.rows.data_ptr<int64_t>();
  const float* values = grad.values.data_ptr<float>();
  const int64_t* counts =
      reduction.by == GradReduce::Id ? grad.counts.data_ptr<int64_t>() : nullptr;
  const auto n = static_cast<std::size_t>(grad.rows.numel());
  const std::size_t slot_count = slot_indexes.size();
  if (slot_count > kMaxSlots) throw Error("sparse optimizer: more than 4 slots per row");
  std::array<std::size_t, kMaxSlots> slot_offsets{};
  for (std::size_t k = 0; k < slot_count; ++k) {
    slot_offsets[k] = blocks.layout().slot_offset(slot_indexes[k]);
  }
  const std::size_t embedding_offset = blocks.layout().embedding_offset();
  const std::size_t grain = std::max<std::size_t>(64, 32768 / dim);
  constexpr std::size_t ahead = embedding::RowBlocks::kPrefetchDistance;
  pool.parallel_for(n, grain, [&](std::size_t begin, std::size_t end) {
    std::vector<float> buffer(fp32 ? 0 : dim);
    std::array<float*, kMaxSlots> slots{};
    for (std::size_t i = begin; i < end; ++i) {
      if (i + ahead < end) blocks.prefetch(rows[i + ahead], 0, blocks.layout().row_bytes());
      const int64_t row = rows[i];
      std::byte* data = blocks.row_data(row);
      for (std::size_t k = 0; k < slot_count; ++k) {
        slots[k] = reinterpret_cast<float*>(data + slot_offsets[k]);
      }
      const float* g = values + i * dim;
      const float scale = reduction.scale(counts, static_cast<int64_t>(i));
      if (fp32) {
        kernel(reinterpret_cast<float*>(data + embedding_offset), g, scale, slots.data(), dim);
      } else {
        blocks.read_embedding(row, buffer);
        kernel(buffer.data(), g, scale, slots.data(), dim);
        blocks.write_embedding(row, buffer);
      }
    }
  });
}

}  // namespace recis::optim

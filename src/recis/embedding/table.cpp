#include "recis/embedding/table.h"

#include <cstring>

namespace recis::embedding {
namespace {

// Ids per task: large enough that a lookup's prefetch pipeline stays full.
constexpr std::size_t kLookupGrain = 4096;
constexpr std::size_t kGatherGrain = 2048;

}  // namespace

Table::Table(std::string name, std::vector<std::string> children, bool trainable,
             TableOptions options)
    : name_(std::move(name)),
      children_(std::move(children)),
      trainable_(trainable),
      core_(std::move(options)) {}

void Table::lookup(std::span<const int64_t> ids, std::span<const uint32_t> counts, int64_t step,
                   LookupMode mode, std::span<int64_t> rows, ThreadPool& pool) {
  pool.parallel_for(ids.size(), kLookupGrain, [&](std::size_t begin, std::size_t end) {
    const auto part_ids = ids.subspan(begin, end - begin);
    const auto part_rows = rows.subspan(begin, end - begin);
    if (mode == LookupMode::Eval) {
      core_.find(part_ids, part_rows);
    } else {
      core_.lookup(part_ids, step, part_rows,
                   counts.empty() ? counts : counts.subspan(begin, end - begin));
    }
  });
}

torch::Tensor Table::gather(std::span<const int64_t> rows, ThreadPool& pool) const {
  const auto n = static_cast<int64_t>(rows.size());
  const std::size_t width = dim();
  torch::Tensor out = torch::empty({n, static_cast<int64_t>(width)}, torch::kFloat32);
  float* data = out.data_ptr<float>();
  const RowBlocks& blocks = core_.rows();
  const bool fp32 = blocks.layout().element_type() == ElementType::F32;
  const RowLayout& layout = blocks.layout();
  constexpr std::size_t ahead = RowBlocks::kPrefetchDistance;
  pool.parallel_for(rows.size(), kGatherGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      if (i + ahead < end && rows[i + ahead] != TableCore::kNoRow) {
        blocks.prefetch(rows[i + ahead], layout.embedding_offset(), layout.embedding_bytes());
      }
      float* target = data + i * width;
      if (rows[i] == TableCore::kNoRow) {
        std::memset(target, 0, width * sizeof(float));
      } else if (fp32) {
        std::memcpy(target, blocks.embedding(rows[i]), width * sizeof(float));
      } else {
        blocks.read_embedding(rows[i], std::span<float>(target, width));
      }
    }
  });
  return out;
}

}  // namespace recis::embedding

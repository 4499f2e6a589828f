#include "recis/embedding/core/row_blocks.h"

#include <bit>
#include <cstring>
#include <string>

#include "recis/common/error.h"

namespace recis::embedding {
namespace {

constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

int pick_block_shift(std::size_t rows_per_block, std::size_t row_bytes) {
  if (rows_per_block == 0) {
    return std::bit_width((kHugePageBytes + row_bytes - 1) / row_bytes - 1);
  }
  if (!std::has_single_bit(rows_per_block) || rows_per_block > (std::size_t{1} << 24)) {
    throw ConfigError("RowBlocks: rows_per_block " + std::to_string(rows_per_block) +
                      " must be a power of two no larger than 2^24");
  }
  return std::countr_zero(rows_per_block);
}

}  // namespace

RowBlocks::RowBlocks(RowLayout layout, std::size_t rows_per_block)
    : layout_(std::move(layout)),
      block_shift_(pick_block_shift(rows_per_block, layout_.row_bytes())),
      directory_(std::make_unique<std::atomic<Leaf*>[]>(kDirectoryEntries)) {}

RowBlocks::~RowBlocks() = default;

int64_t RowBlocks::row_limit() const {
  return static_cast<int64_t>(kDirectoryEntries * kLeafEntries) << block_shift_;
}

bool RowBlocks::contains(int64_t row) const {
  if (row < 0 || row >= row_limit()) return false;
  const auto block = static_cast<uint64_t>(row) >> block_shift_;
  const Leaf* leaf = directory_[block >> kLeafBits].load(std::memory_order_acquire);
  return leaf && leaf->blocks[block & (kLeafEntries - 1)].load(std::memory_order_acquire);
}

void RowBlocks::ensure(int64_t row) {
  if (contains(row)) return;
  if (row < 0 || row >= row_limit()) {
    throw Error("RowBlocks: row " + std::to_string(row) + " is outside [0, " +
                std::to_string(row_limit()) + "); use larger blocks for this table");
  }
  std::lock_guard lock(grow_mutex_);
  const auto block = static_cast<uint64_t>(row) >> block_shift_;
  Leaf* leaf = directory_[block >> kLeafBits].load(std::memory_order_relaxed);
  if (!leaf) {
    leaves_.push_back(std::make_unique<Leaf>());
    leaf = leaves_.back().get();
    directory_[block >> kLeafBits].store(leaf, std::memory_order_release);
  }
  auto& slot = leaf->blocks[block & (kLeafEntries - 1)];
  if (slot.load(std::memory_order_relaxed)) return;
  blocks_.emplace_back(rows_per_block() * layout_.row_bytes());
  slot.store(static_cast<std::byte*>(blocks_.back().data()), std::memory_order_release);
}

void RowBlocks::read_embedding(int64_t row, std::span<float> out) const {
  layout_.load_embedding(row_data(row), out);
}

void RowBlocks::write_embedding(int64_t row, std::span<const float> values) const {
  layout_.store_embedding(row_data(row), values);
}

std::size_t RowBlocks::allocated_blocks() const {
  std::lock_guard lock(grow_mutex_);
  return blocks_.size();
}

std::size_t RowBlocks::memory_bytes() const {
  std::lock_guard lock(grow_mutex_);
  return blocks_.size() * rows_per_block() * layout_.row_bytes() + leaves_.size() * sizeof(Leaf) +
         kDirectoryEntries * sizeof(std::atomic<Leaf*>);
}

}  // namespace recis::embedding

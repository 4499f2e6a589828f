// RowBlocks: the row storage of an embedding table, in fixed-size blocks of rows. Storage grows
// by whole blocks (huge-page backed, zero-filled) and never moves a row, so a row's address is
// stable for the table's lifetime and readers need no lock. A two-level directory maps
// row / rows_per_block to its block.
// Callers: TableCore (allocates rows as ids are inserted), the sparse optimizers and the
// torch-facing table (read and write rows by number).
// Thread-safety: ensure() may run concurrently with itself and with the accessors; accessors of
// rows already ensured are lock-free. Writes to one row from several threads need the caller's
// ordering (as with any memory).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "recis/embedding/core/huge_page_array.h"
#include "recis/embedding/core/row_layout.h"

namespace recis::embedding {

class RowBlocks {
 public:
  // rows_per_block: a power of two, or 0 for the smallest power of two whose block spans 2 MiB
  // (one huge page).
  explicit RowBlocks(RowLayout layout, std::size_t rows_per_block = 0);
  ~RowBlocks();
  RowBlocks(const RowBlocks&) = delete;
  RowBlocks& operator=(const RowBlocks&) = delete;

  const RowLayout& layout() const { return layout_; }
  std::size_t rows_per_block() const { return std::size_t{1} << block_shift_; }
  // The largest row number this storage can hold, plus one.
  int64_t row_limit() const;

  // Allocates the block holding `row` if it does not exist yet; throws Error for a row outside
  // [0, row_limit()).
  void ensure(int64_t row);
  bool contains(int64_t row) const;

  // Accessors for an ensured row.
  std::byte* row_data(int64_t row) const {
    const auto block = static_cast<uint64_t>(row) >> block_shift_;
    std::byte* base = directory_[block >> kLeafBits]
                          .load(std::memory_order_acquire)
                          ->blocks[block & (kLeafEntries - 1)]
                          .load(std::memory_order_acquire);
    return base + (static_cast<uint64_t>(row) & (rows_per_block() - 1)) * layout_.row_bytes();
  }
  RowMeta* meta(int64_t row) const { return reinterpret_cast<RowMeta*>(row_data(row)); }
  void* embedding(int64_t row) const { return row_data(row) + layout_.embedding_offset(); }
  float* slot(int64_t row, std::size_t slot) const {
    return reinterpret_cast<float*>(row_data(row) + layout_.slot_offset(slot));
  }
  // How many iterations ahead a loop over rows in random order prefetches (prefetch below).
  static constexpr std::size_t kPrefetchDistance = 8;
  // Asks the CPU to start loading bytes [offset, offset + bytes) of an ensured row into cache, for
  // loops over rows in random order that will reach this row a few iterations later.
  void prefetch(int64_t row, std::size_t offset, std::size_t bytes) const {
    const std::byte* begin = row_data(row) + offset;
    for (std::size_t at = 0; at < bytes; at += kCacheLine) __builtin_prefetch(begin + at);
    __builtin_prefetch(begin + bytes - 1);
  }
  // The embedding as fp32 whatever the storage type (out.size() == dim).
  void read_embedding(int64_t row, std::span<float> out) const;
  // Stores fp32 values in the storage type, rounding to nearest even (values.size() == dim).
  void write_embedding(int64_t row, std::span<const float> values) const;

  std::size_t allocated_blocks() const;
  std::size_t memory_bytes() const;

 private:
  static constexpr std::size_t kCacheLine = 64;
  static constexpr int kLeafBits = 12;
  static constexpr std::size_t kLeafEntries = std::size_t{1} << kLeafBits;
  static constexpr std::size_t kDirectoryEntries = std::size_t{1} << 12;
  struct Leaf {
    std::atomic<std::byte*> blocks[kLeafEntries] = {};
  };

  RowLayout layout_;
  int block_shift_;
  std::unique_ptr<std::atomic<Leaf*>[]> directory_;
  mutable std::mutex grow_mutex_;  // guards the two vectors below and directory writes
  std::vector<std::unique_ptr<Leaf>> leaves_;
  std::vector<HugePageBuffer> blocks_;
};

}  // namespace recis::embedding

// DiskTier: the cold rows of one embedding table, on disk in a RocksDB database of their own.
// Key: the id (8 bytes, big-endian, so iteration runs in id order); value: the row's bytes exactly
// as RowBlocks lays them out (metadata, embedding, optimizer slots), so a row leaves RAM and comes
// back bit for bit. Writes go in one batch per call with the write-ahead log off: the tier is a
// cache of the run, its durability comes from checkpoints, and every open starts it empty.
// Used by TableCore (spill in evict, promotion in lookup/find, checkpoint reads); rocksdb stays
// behind this header.
// Thread-safety: every method may run concurrently with the others (RocksDB's guarantee); the
// caller keeps each id in one tier at a time, which is what keeps size() exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "recis/embedding/core/function_ref.h"

namespace recis::embedding {

class DiskTier {
 public:
  // Opens an empty tier at `path`, whose rows are `row_bytes` long. A directory an earlier run's
  // tier left there (it carries the tier's marker file) is cleared first; any other non-empty
  // directory, or a file, is refused with an Error naming `owner` and the path (nothing is
  // deleted). `owner` names the table in every error. `memory_bytes` is what RocksDB may hold in
  // RAM besides its filters and indexes: half for two memtables, half for the block cache.
  DiskTier(std::filesystem::path path, std::size_t row_bytes, std::string owner,
           std::size_t memory_bytes);
  ~DiskTier();
  DiskTier(const DiskTier&) = delete;
  DiskTier& operator=(const DiskTier&) = delete;

  // Writes ids[i] -> rows[i * row_bytes ...] for ids not on disk yet, as one batch.
  void put(std::span<const int64_t> ids, const std::byte* rows);
  // Reads a batch: for each id on disk, found[i] = 1 and its bytes land at out + i * row_bytes;
  // found[i] = 0 otherwise. Returns how many were found.
  std::size_t get(std::span<const int64_t> ids, std::byte* out, std::span<uint8_t> found) const;
  // Deletes ids that are on disk, as one batch.
  void erase(std::span<const int64_t> ids);
  // Calls fn(id, row bytes) for every row on disk, in id order (a snapshot: writes meanwhile are
  // not seen).
  void for_each(FunctionRef<void(int64_t id, const std::byte* row)> fn) const;

  std::size_t size() const;  // rows on disk
  std::size_t row_bytes() const { return row_bytes_; }
  const std::filesystem::path& path() const { return path_; }
  // Bytes RocksDB holds in memory for the tier (memtables, block cache, index and filters).
  std::size_t memory_bytes() const;

 private:
  struct Db;
  [[noreturn]] void fail(const std::string& what, const std::string& status) const;

  std::filesystem::path path_;
  std::size_t row_bytes_;
  std::string owner_;
  std::unique_ptr<Db> db_;
};

}  // namespace recis::embedding

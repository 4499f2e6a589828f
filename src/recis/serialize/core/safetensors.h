// SafeTensors files (https://huggingface.co/docs/safetensors): an 8-byte little-endian header
// length N, N bytes of JSON header {"name": {"dtype", "shape", "data_offsets": [begin, end]}, ...,
// "__metadata__": {str: str}} padded with spaces to a multiple of 8, then the data section that
// the tensors cover contiguously (offsets relative to its start, little-endian, row-major).
//
// SafeTensorsWriter lays out a file from tensor specs and takes its bytes in chunks from many
// threads (pwrite), checksumming each chunk as it passes; SafeTensorsReader validates a file's
// header strictly and serves chunks (pread), recording their CRCs so a loader verifies the file
// without a second pass. Callers: the checkpoint savers and loaders (sparse tables, dense model),
// `recis ckpt inspect`, the delta export.
// Thread-safety: write() and read() may run concurrently from several threads (disjoint ranges
// for write); construction, finish() and digest_of_reads() are for one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "recis/serialize/core/file_util.h"

namespace recis::serialize {

enum class DType { BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64 };

std::string_view dtype_name(DType dtype);  // "F32", "BF16", ...
std::size_t dtype_bytes(DType dtype);
DType parse_dtype(std::string_view name);  // throws recis::Error on an unknown name

struct TensorSpec {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
};

struct TensorInfo {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte range within the data section
  uint64_t bytes() const { return end - begin; }
  int64_t numel() const;
};

struct FileDigest {
  uint64_t bytes = 0;
  uint32_t crc32c = 0;
};

// Whole-file digest by a streaming read (tools, small files).
FileDigest digest_file(const std::filesystem::path& path);

namespace detail {

// The chunks of a file read or written so far: file offset, size, CRC-32C. add() is thread-safe.
class ChunkLedger {
 public:
  struct Chunk {
    uint64_t offset = 0;
    uint64_t size = 0;
    uint32_t crc = 0;
  };
  ChunkLedger() = default;
  // Moves the chunks recorded so far; not while another thread adds.
  ChunkLedger(ChunkLedger&& other) noexcept;
  ChunkLedger& operator=(ChunkLedger&& other) noexcept;
  void add(Chunk chunk);
  std::vector<Chunk> sorted() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Chunk> chunks_;
};

}  // namespace detail

class SafeTensorsWriter {
 public:
  // Creates (truncates) `path`, lays the tensors out contiguously in the given order and writes
  // the header. Throws recis::Error on a duplicate or reserved name or a negative/overflowing
  // shape, IoError naming the path when the file cannot be written.
  SafeTensorsWriter(std::filesystem::path path, std::vector<TensorSpec> tensors,
                    std::map<std::string, std::string> metadata = {});
  ~SafeTensorsWriter();  // an unfinished writer closes its file (no fsync); the caller discards it
  SafeTensorsWriter(const SafeTensorsWriter&) = delete;
  SafeTensorsWriter& operator=(const SafeTensorsWriter&) = delete;

  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  std::size_t index(std::string_view name) const;  // throws naming the file and tensor
  // Writes bytes at `offset` within tensor `tensor` (pwrite) and records the chunk's CRC-32C.
  // Thread-safe for disjoint ranges. Throws IoError naming the file and the OS error.
  void write(std::size_t tensor, uint64_t offset, std::span<const std::byte> bytes);
  // Checks every byte of every tensor was written exactly once (throws recis::Error naming the
  // file and the first gap or overlap), fsyncs and closes; returns the whole file's size and CRC,
  // combined from the chunks' CRCs.
  FileDigest finish();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, std::size_t, std::less<>> index_by_name_;
  uint64_t data_start_ = 0;  // file offset of the data section
  uint32_t header_crc_ = 0;  // CRC-32C of bytes [0, data_start_)
  FileDescriptor file_;
  detail::ChunkLedger chunks_;
  bool finished_ = false;
};

class SafeTensorsReader {
 public:
  // Largest JSON header accepted (bytes).
  static constexpr uint64_t kMaxHeaderBytes = 100'000'000;

  // Opens `path` and validates the header before allocating by any size read from the file;
  // every failure throws recis::Error starting with the path and saying what was expected.
  explicit SafeTensorsReader(std::filesystem::path path);
  // Movable (to return one from a function), not while reads run.
  SafeTensorsReader(SafeTensorsReader&&) noexcept = default;
  SafeTensorsReader& operator=(SafeTensorsReader&&) noexcept = default;

  const std::vector<TensorInfo>& tensors() const { return tensors_; }  // in file order
  const TensorInfo* find(std::string_view name) const;                 // nullptr when absent
  const TensorInfo& at(std::string_view name) const;  // throws naming the file and tensor
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  uint64_t file_bytes() const { return file_bytes_; }
  const std::filesystem::path& path() const { return path_; }
  // pread of bytes [offset, offset + out.size()) of a tensor; thread-safe; throws on a short
  // read. Records the chunk's CRC-32C for digest_of_reads().
  void read(std::size_t tensor, uint64_t offset, std::span<std::byte> out) const;
  // Starts reading bytes [offset, offset + bytes) of a tensor (clamped to it) into the page cache
  // in the background, for a read() soon after (FileDescriptor::will_need); thread-safe.
  void prefetch(std::size_t tensor, uint64_t offset, uint64_t bytes) const;
  // After reads that covered every tensor's bytes exactly once, the whole file's digest (header
  // included); throws recis::Error naming the file when they did not.
  FileDigest digest_of_reads() const;

 private:
  std::filesystem::path path_;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, std::size_t, std::less<>> index_by_name_;
  std::map<std::string, std::string> metadata_;
  uint64_t file_bytes_ = 0;
  uint64_t data_start_ = 0;
  uint32_t header_crc_ = 0;
  FileDescriptor file_;
  mutable detail::ChunkLedger chunks_;
};

}  // namespace recis::serialize

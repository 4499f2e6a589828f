// Decompressor: turns one compressed ORC stream (footer, metadata, stripe footer or column
// stream) into its plain bytes. A compressed stream is a sequence of chunks, each behind a
// 3-byte little-endian header (length << 1 | is_original); chunks hold at most the file's
// compression block size. Supports NONE, ZLIB (raw deflate), SNAPPY, LZO (LZO1X), LZ4 and ZSTD;
// BROTLI and others are rejected. Thread-safety: holds codec state; one per reader, one thread at
// a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "recis/orc/orc_proto.pb.h"

namespace recis::orc {

class Decompressor {
 public:
  // Largest compression block size accepted (chunks carry 23-bit lengths; writers use <= 1 MiB).
  static constexpr std::uint64_t kMaxBlockSize = std::uint64_t{64} << 20;

  // Throws FormatError for an unsupported kind or a block size of 0 or above kMaxBlockSize.
  Decompressor(proto::CompressionKind kind, std::uint64_t block_size);
  ~Decompressor();
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;

  proto::CompressionKind kind() const { return kind_; }
  bool is_compressed() const { return kind_ != proto::NONE; }

  // Replaces `out` with the plain bytes of `stream`. Throws FormatError naming the chunk offset
  // when a header runs past the stream, a chunk does not decode or decodes past the block size.
  void decompress(std::string_view stream, std::string& out);

  // The chunk of compressed `stream` at byte `offset` (< stream.size()), decoded; advances
  // `offset` past it. An uncompressed ("original") chunk is returned as a view into `stream`,
  // a compressed one is decoded into `buffer` (allocated at the block size on first use and left
  // uninitialized: no page is touched before a chunk fills it). Throws as decompress does. Lets
  // a reader decode a stream a chunk at a time (ByteCursor).
  std::string_view next_chunk(std::string_view stream, std::size_t& offset,
                              std::unique_ptr<char[]>& buffer);

  // An upper bound of the plain size of `stream` read from its chunk headers alone (compressed
  // chunks count as a whole block), capped at 1 GiB.
  std::size_t plain_size_bound(std::string_view stream) const;

 private:
  // Decodes one compressed chunk into dest[0, capacity) and returns the plain length.
  std::size_t decode_chunk(std::string_view chunk, char* dest, std::size_t capacity);

  struct Codecs;
  proto::CompressionKind kind_;
  std::uint64_t block_size_;
  std::unique_ptr<Codecs> codecs_;
};

std::string_view compression_name(proto::CompressionKind kind);

}  // namespace recis::orc

// ByteCursor: a bounds-checked read position over one ORC stream (bytes, base-128 varints). The
// decoders read through it; every read past the end throws FormatError, so no decoder touches
// memory outside its stream. A compressed stream (StreamBytes with a Decompressor) is decoded one
// chunk at a time as the reads reach it, so a stripe's streams never sit in memory decompressed
// as a whole: memory per stream is one compression block, and the first rows of a stripe are
// ready after one chunk per stream. Reads are served from the current chunk; a take() that spans
// chunks joins them in a buffer of the cursor's own.
// Thread-safety: owned by one decoder; cursors sharing a Decompressor run on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "recis/orc/decompressor.h"
#include "recis/orc/format_error.h"

namespace recis::orc {

// One stream's bytes as stored: plain, or compressed chunks to decode with `decompressor`.
struct StreamBytes {
  StreamBytes() = default;
  StreamBytes(std::string_view plain) : bytes(plain) {}  // NOLINT(google-explicit-constructor)
  StreamBytes(std::string_view compressed, Decompressor* decompressor)
      : bytes(compressed), decompressor(decompressor) {}

  std::string_view bytes;
  Decompressor* decompressor = nullptr;  // null: `bytes` are the plain bytes
};

class ByteCursor {
 public:
  ByteCursor() = default;
  explicit ByteCursor(StreamBytes stream);

  // The bytes left at most: exact for a plain stream, a bound from the chunk headers otherwise.
  std::size_t remaining_at_most() const;

  std::uint8_t read_byte() {
    if (pos_ == end_ && !next_chunk()) throw_truncated();
    return *pos_++;
  }

  // Consumes `count` bytes and returns where they start (valid until the next read).
  const std::uint8_t* take(std::size_t count) {
    if (count <= static_cast<std::size_t>(end_ - pos_)) {
      const std::uint8_t* start = pos_;
      pos_ += count;
      return start;
    }
    return take_across_chunks(count);
  }

  // Unsigned LEB128 (at most 10 bytes for 64 bits).
  std::uint64_t read_uvarint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const std::uint8_t byte = read_byte();
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    throw FormatError("varint longer than 10 bytes");
  }

  std::int64_t read_svarint() { return unzigzag(read_uvarint()); }

  // A big-endian unsigned integer of `width` bytes (1..8).
  std::uint64_t read_big_endian(int width) {
    const std::uint8_t* bytes = take(static_cast<std::size_t>(width));
    std::uint64_t value = 0;
    for (int i = 0; i < width; ++i) value = (value << 8) | bytes[i];
    return value;
  }

  static std::int64_t unzigzag(std::uint64_t value) {
    return static_cast<std::int64_t>((value >> 1) ^ (~(value & 1) + 1));
  }

 private:
  // A compressed stream's chunks not yet read, and the buffers chunks are decoded and joined in
  // (on the heap, so a moved cursor's pointers stay valid).
  struct Chunks {
    std::string_view stream;
    std::size_t offset = 0;  // of the next chunk in `stream`
    Decompressor* decompressor = nullptr;
    std::unique_ptr<char[]> decoded;  // one compression block
    std::string joined;
  };

  // Moves to the next non-empty chunk; false at the end of the stream.
  bool next_chunk();
  const std::uint8_t* take_across_chunks(std::size_t count);
  [[noreturn]] static void throw_truncated();

  const std::uint8_t* pos_ = nullptr;
  const std::uint8_t* end_ = nullptr;
  std::unique_ptr<Chunks> chunks_;  // compressed streams only
};

}  // namespace recis::orc

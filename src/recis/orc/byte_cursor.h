// ByteCursor: a bounds-checked read position over one decoded ORC stream (bytes, base-128
// varints). The decoders read through it; every read past the end throws FormatError, so no
// decoder touches memory outside its stream. Thread-safety: owned by one decoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "recis/orc/format_error.h"

namespace recis::orc {

class ByteCursor {
 public:
  ByteCursor() = default;
  explicit ByteCursor(std::string_view bytes)
      : pos_(reinterpret_cast<const std::uint8_t*>(bytes.data())), end_(pos_ + bytes.size()) {}

  std::size_t remaining() const { return static_cast<std::size_t>(end_ - pos_); }
  bool at_end() const { return pos_ == end_; }
  const std::uint8_t* position() const { return pos_; }

  std::uint8_t read_byte() {
    if (pos_ == end_) throw_truncated();
    return *pos_++;
  }

  // Consumes `count` bytes and returns where they start.
  const std::uint8_t* take(std::size_t count) {
    if (count > remaining()) throw_truncated();
    const std::uint8_t* start = pos_;
    pos_ += count;
    return start;
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
  [[noreturn]] static void throw_truncated() {
    throw FormatError("stream ends in the middle of a value (truncated or corrupt data)");
  }

  const std::uint8_t* pos_ = nullptr;
  const std::uint8_t* end_ = nullptr;
};

}  // namespace recis::orc

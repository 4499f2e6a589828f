// Base-128 varints and zigzag as ORC writes them (little-endian 7-bit groups, high bit = more),
// including the unbounded 128-bit varints of decimal DATA streams. Used by the integer RLE
// encoders and the decimal column writer. Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "recis/orc/output_stream.h"

namespace recis::orc {

inline std::uint64_t zigzag_encode(std::int64_t value) {
  return (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
}

inline unsigned __int128 zigzag_encode128(__int128 value) {
  return (static_cast<unsigned __int128>(value) << 1) ^
         static_cast<unsigned __int128>(value >> 127);
}

inline void write_varint(OutputStream& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.write_byte(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.write_byte(static_cast<std::uint8_t>(value));
}

inline void write_varint128(OutputStream& out, unsigned __int128 value) {
  while (value >= 0x80) {
    out.write_byte(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.write_byte(static_cast<std::uint8_t>(value));
}

}  // namespace recis::orc

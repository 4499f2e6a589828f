// unpack_bits: reads `count` big-endian bit-packed unsigned values of `width` bits (1..64)
// from a ByteCursor, the layout RLEv2's direct, patched-base and delta runs share. Runs start
// and end on byte boundaries, so the trailing bits of the last byte are skipped.
// Thread-safety: a pure function.
#pragma once

#include <cstddef>
#include <cstdint>

#include "recis/orc/byte_cursor.h"

namespace recis::orc {

void unpack_bits(ByteCursor& cursor, int width, std::size_t count, std::uint64_t* out);

// RLEv2's 5-bit width code to a bit width (0..23 -> 1..24, then 26, 28, 30, 32, 40, 48, 56, 64).
int decode_bit_width(int code);

// The smallest width RLEv2 can encode that holds `bits` bits (used for patch entries).
constexpr int closest_fixed_bits(int bits) {
  if (bits <= 24) return bits < 1 ? 1 : bits;
  if (bits <= 26) return 26;
  if (bits <= 28) return 28;
  if (bits <= 30) return 30;
  if (bits <= 32) return 32;
  if (bits <= 40) return 40;
  if (bits <= 48) return 48;
  if (bits <= 56) return 56;
  return 64;
}

}  // namespace recis::orc

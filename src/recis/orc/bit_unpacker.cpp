#include "recis/orc/bit_unpacker.h"

#include <string>

namespace recis::orc {
namespace {

template <int Bytes>
void unpack_whole_bytes(const std::uint8_t* in, std::size_t count, std::uint64_t* out) {
  for (std::size_t i = 0; i < count; ++i, in += Bytes) {
    std::uint64_t value = 0;
    for (int b = 0; b < Bytes; ++b) value = (value << 8) | in[b];
    out[i] = value;
  }
}

// Widths up to 56: an accumulator never holds more than width + 7 <= 63 live bits.
void unpack_narrow(const std::uint8_t* in, int width, std::size_t count, std::uint64_t* out) {
  const std::uint64_t mask = (std::uint64_t{1} << width) - 1;
  std::uint64_t accumulator = 0;
  int bits = 0;
  for (std::size_t i = 0; i < count; ++i) {
    while (bits < width) {
      accumulator = (accumulator << 8) | *in++;
      bits += 8;
    }
    bits -= width;
    out[i] = (accumulator >> bits) & mask;
  }
}

void unpack_one_bit(const std::uint8_t* in, std::size_t count, std::uint64_t* out) {
  std::size_t i = 0;
  for (; i + 8 <= count; i += 8, ++in) {
    const std::uint8_t byte = *in;
    for (int bit = 0; bit < 8; ++bit) out[i + bit] = (byte >> (7 - bit)) & 1;
  }
  for (int bit = 0; i < count; ++i, ++bit) out[i] = (*in >> (7 - bit)) & 1;
}

}  // namespace

void unpack_bits(ByteCursor& cursor, int width, std::size_t count, std::uint64_t* out) {
  if (width < 1 || width > 64) {
    throw FormatError("bit-packed width " + std::to_string(width) + " is outside 1..64");
  }
  const std::size_t bytes = (count * static_cast<std::size_t>(width) + 7) / 8;
  const std::uint8_t* in = cursor.take(bytes);
  switch (width) {
    case 1: return unpack_one_bit(in, count, out);
    case 8: return unpack_whole_bytes<1>(in, count, out);
    case 16: return unpack_whole_bytes<2>(in, count, out);
    case 24: return unpack_whole_bytes<3>(in, count, out);
    case 32: return unpack_whole_bytes<4>(in, count, out);
    case 40: return unpack_whole_bytes<5>(in, count, out);
    case 48: return unpack_whole_bytes<6>(in, count, out);
    case 56: return unpack_whole_bytes<7>(in, count, out);
    case 64: return unpack_whole_bytes<8>(in, count, out);
    default:
      if (width > 56) {
        throw FormatError("bit-packed width " + std::to_string(width) + " is not an RLEv2 width");
      }
      return unpack_narrow(in, width, count, out);
  }
}

int decode_bit_width(int code) {
  if (code < 24) return code + 1;
  static constexpr int kWide[] = {26, 28, 30, 32, 40, 48, 56, 64};
  return kWide[(code - 24) & 7];
}

}  // namespace recis::orc

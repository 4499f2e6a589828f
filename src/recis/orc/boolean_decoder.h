// BooleanDecoder: ORC bit streams (PRESENT streams, boolean columns): byte RLE over bytes whose
// bits are the values, most significant bit first. Thread-safety: one decoder per stream.
#pragma once

#include <cstddef>
#include <cstdint>

#include "recis/orc/byte_rle_decoder.h"

namespace recis::orc {

class BooleanDecoder {
 public:
  explicit BooleanDecoder(StreamBytes stream) : bytes_(stream) {}

  // Writes the next `count` bits to `out`, one byte (0 or 1) per value.
  void next(std::uint8_t* out, std::size_t count);

 private:
  ByteRleDecoder bytes_;
  std::uint8_t current_ = 0;
  int bits_left_ = 0;  // unread bits of current_, taken from the top
};

}  // namespace recis::orc

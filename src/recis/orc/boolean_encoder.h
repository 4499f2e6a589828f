// BooleanEncoder: ORC's boolean encoding, bits packed most significant first into bytes that go
// through byte RLE. Used for PRESENT streams and boolean DATA. record_position() appends the
// byte RLE position followed by the number of bits already taken in the current byte.
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <vector>

#include "recis/orc/byte_rle_encoder.h"

namespace recis::orc {

class BooleanEncoder {
 public:
  explicit BooleanEncoder(OutputStream& out) : bytes_(out) {}

  void add(bool value) {
    current_ = static_cast<std::uint8_t>(current_ | (value ? 0x80u >> bits_ : 0u));
    if (++bits_ == 8) {
      bytes_.add(current_);
      current_ = 0;
      bits_ = 0;
    }
  }
  void record_position(std::vector<std::uint64_t>& positions) const {
    bytes_.record_position(positions);
    positions.push_back(static_cast<std::uint64_t>(bits_));
  }
  // Pads the last byte with zero bits and writes everything out.
  void flush() {
    if (bits_ > 0) {
      bytes_.add(current_);
      current_ = 0;
      bits_ = 0;
    }
    bytes_.flush();
  }

 private:
  ByteRleEncoder bytes_;
  std::uint8_t current_ = 0;
  int bits_ = 0;
};

}  // namespace recis::orc

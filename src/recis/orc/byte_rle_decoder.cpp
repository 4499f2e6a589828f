#include "recis/orc/byte_rle_decoder.h"

#include <algorithm>
#include <cstring>

namespace recis::orc {
namespace {

constexpr std::size_t kMinRepeat = 3;
constexpr int kLiteralBase = 256;

}  // namespace

void ByteRleDecoder::read_header() {
  const std::uint8_t header = cursor_.read_byte();
  if (header < 0x80) {
    repeating_ = true;
    run_left_ = header + kMinRepeat;
    run_value_ = cursor_.read_byte();
  } else {
    repeating_ = false;
    run_left_ = static_cast<std::size_t>(kLiteralBase - header);
  }
}

void ByteRleDecoder::next(std::uint8_t* out, std::size_t count) {
  while (count > 0) {
    if (run_left_ == 0) read_header();
    const std::size_t n = std::min(count, run_left_);
    if (repeating_) {
      std::memset(out, run_value_, n);
    } else {
      std::memcpy(out, cursor_.take(n), n);
    }
    out += n;
    count -= n;
    run_left_ -= n;
  }
}

}  // namespace recis::orc

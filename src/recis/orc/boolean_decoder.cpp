#include "recis/orc/boolean_decoder.h"

#include <algorithm>
#include <array>

namespace recis::orc {
namespace {

constexpr std::size_t kChunkBytes = 256;

}  // namespace

void BooleanDecoder::next(std::uint8_t* out, std::size_t count) {
  while (count > 0 && bits_left_ > 0) {
    --bits_left_;
    *out++ = (current_ >> bits_left_) & 1;
    --count;
  }
  std::array<std::uint8_t, kChunkBytes> chunk;
  while (count >= 8) {
    const std::size_t bytes = std::min(count / 8, kChunkBytes);
    bytes_.next(chunk.data(), bytes);
    for (std::size_t b = 0; b < bytes; ++b) {
      const std::uint8_t byte = chunk[b];
      for (int bit = 7; bit >= 0; --bit) *out++ = (byte >> bit) & 1;
    }
    count -= bytes * 8;
  }
  if (count > 0) {
    bytes_.next(&current_, 1);
    bits_left_ = 8;
    while (count > 0) {
      --bits_left_;
      *out++ = (current_ >> bits_left_) & 1;
      --count;
    }
  }
}

}  // namespace recis::orc

#include "recis/orc/rle_v1_decoder.h"

#include <algorithm>

namespace recis::orc {
namespace {

constexpr std::size_t kMinRepeat = 3;

}  // namespace

void RleV1Decoder::read_header() {
  const auto header = static_cast<std::int8_t>(cursor_.read_byte());
  if (header >= 0) {
    repeating_ = true;
    run_left_ = static_cast<std::size_t>(header) + kMinRepeat;
    run_delta_ = static_cast<std::int8_t>(cursor_.read_byte());
    run_value_ = read_value();
  } else {
    repeating_ = false;
    run_left_ = static_cast<std::size_t>(-static_cast<int>(header));
  }
}

void RleV1Decoder::next(std::int64_t* out, std::size_t count) {
  while (count > 0) {
    if (run_left_ == 0) read_header();
    const std::size_t n = std::min(count, run_left_);
    if (repeating_) {
      // Wrapping arithmetic, as the writer's: the run's values are base + i * delta mod 2^64.
      auto value = static_cast<std::uint64_t>(run_value_);
      const auto delta = static_cast<std::uint64_t>(run_delta_);
      for (std::size_t i = 0; i < n; ++i) {
        out[i] = static_cast<std::int64_t>(value);
        value += delta;
      }
      run_value_ = static_cast<std::int64_t>(value);
    } else {
      for (std::size_t i = 0; i < n; ++i) out[i] = read_value();
    }
    out += n;
    count -= n;
    run_left_ -= n;
  }
}

}  // namespace recis::orc

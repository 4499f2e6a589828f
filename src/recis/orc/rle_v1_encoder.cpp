#include "recis/orc/rle_v1_encoder.h"

#include "recis/orc/varint_encoder.h"

namespace recis::orc {

void RleV1Encoder::add(const std::int64_t* values, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) add_one(values[i]);
}

void RleV1Encoder::add_one(std::int64_t value) {
  if (in_run_) {
    const __int128 expected = static_cast<__int128>(values_[0]) + __int128{delta_} * count_;
    if (value == expected) {
      if (++count_ == kMaxRun) flush();
      return;
    }
    flush();
  }
  if (count_ == 0) {
    values_[count_++] = value;
    tail_run_ = 1;
    return;
  }
  const __int128 step = static_cast<__int128>(value) - values_[count_ - 1];
  if (tail_run_ >= 2 && step == delta_) {
    ++tail_run_;
  } else if (step >= kMinDelta && step <= kMaxDelta) {
    delta_ = static_cast<std::int64_t>(step);
    tail_run_ = 2;
  } else {
    tail_run_ = 1;
  }
  if (tail_run_ == kMinRun) {
    // The last two buffered values and this one start a run; the rest go out as literals.
    const std::int64_t first = values_[count_ - 2];
    if (count_ > kMinRun - 1) write_literals(count_ - (kMinRun - 1));
    values_[0] = first;
    count_ = kMinRun;
    in_run_ = true;
    return;
  }
  values_[count_++] = value;
  if (count_ == kMaxLiterals) flush();
}

void RleV1Encoder::write_value(std::int64_t value) {
  write_varint(out_, signed_ ? zigzag_encode(value) : static_cast<std::uint64_t>(value));
}

void RleV1Encoder::write_literals(int count) {
  out_.write_byte(static_cast<std::uint8_t>(-count));
  for (int i = 0; i < count; ++i) write_value(values_[i]);
}

void RleV1Encoder::flush() {
  if (count_ > 0) {
    if (in_run_) {
      out_.write_byte(static_cast<std::uint8_t>(count_ - kMinRun));
      out_.write_byte(static_cast<std::uint8_t>(static_cast<std::int8_t>(delta_)));
      write_value(values_[0]);
    } else {
      write_literals(count_);
    }
  }
  count_ = 0;
  tail_run_ = 0;
  in_run_ = false;
}

void RleV1Encoder::record_position(std::vector<std::uint64_t>& positions) const {
  out_.record_position(positions);
  positions.push_back(static_cast<std::uint64_t>(count_));
}

}  // namespace recis::orc

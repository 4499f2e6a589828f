#include "recis/orc/byte_rle_encoder.h"

namespace recis::orc {

void ByteRleEncoder::add(std::uint8_t value) {
  if (in_run_) {
    if (value == values_[0]) {
      if (++count_ == kMaxRun) flush();
      return;
    }
    flush();
  }
  if (count_ > 0 && value == values_[count_ - 1]) {
    ++tail_run_;
  } else {
    tail_run_ = 1;
  }
  if (tail_run_ == kMinRun) {
    // The last two buffered values and this one start a run; the rest go out as literals.
    if (count_ > kMinRun - 1) write_literals(count_ - (kMinRun - 1));
    values_[0] = value;
    count_ = kMinRun;
    in_run_ = true;
    return;
  }
  values_[count_++] = value;
  if (count_ == kMaxLiterals) flush();
}

void ByteRleEncoder::write_literals(int count) {
  out_.write_byte(static_cast<std::uint8_t>(-count));
  out_.write(values_, static_cast<std::size_t>(count));
}

void ByteRleEncoder::flush() {
  if (count_ > 0) {
    if (in_run_) {
      out_.write_byte(static_cast<std::uint8_t>(count_ - kMinRun));
      out_.write_byte(values_[0]);
    } else {
      write_literals(count_);
    }
  }
  count_ = 0;
  tail_run_ = 0;
  in_run_ = false;
}

void ByteRleEncoder::record_position(std::vector<std::uint64_t>& positions) const {
  out_.record_position(positions);
  positions.push_back(static_cast<std::uint64_t>(count_));
}

}  // namespace recis::orc

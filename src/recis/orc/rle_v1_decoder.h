// RleV1Decoder: ORC integer RLE version 1 (format 0.11): runs of 3..130 values with a constant
// byte delta, and literal groups of 1..128 varints. Thread-safety: one decoder per stream.
#pragma once

#include "recis/orc/byte_cursor.h"
#include "recis/orc/int_decoder.h"

namespace recis::orc {

class RleV1Decoder final : public IntDecoder {
 public:
  RleV1Decoder(StreamBytes stream, bool is_signed) : cursor_(stream), signed_(is_signed) {}
  void next(std::int64_t* out, std::size_t count) override;

 private:
  void read_header();
  std::int64_t read_value() { return signed_ ? cursor_.read_svarint() : static_cast<std::int64_t>(cursor_.read_uvarint()); }

  ByteCursor cursor_;
  bool signed_;
  std::size_t run_left_ = 0;
  bool repeating_ = false;
  std::int64_t run_value_ = 0;  // next value of a run
  std::int64_t run_delta_ = 0;
};

}  // namespace recis::orc

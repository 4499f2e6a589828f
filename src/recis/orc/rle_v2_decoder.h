// RleV2Decoder: ORC integer RLE version 2 (format 0.12): short repeat, direct, patched base and
// delta runs of up to 512 values. A run that fits the caller's request decodes straight into
// the caller's buffer; only a run split across next() calls is staged. Thread-safety: one
// decoder per stream.
#pragma once

#include <array>

#include "recis/orc/byte_cursor.h"
#include "recis/orc/int_decoder.h"

namespace recis::orc {

class RleV2Decoder final : public IntDecoder {
 public:
  static constexpr std::size_t kMaxRunLength = 512;

  RleV2Decoder(StreamBytes stream, bool is_signed) : cursor_(stream), signed_(is_signed) {}
  void next(std::int64_t* out, std::size_t count) override;

 private:
  // Reads one run header (first one or two bytes) and returns the run's length.
  std::size_t read_run_length();
  // Decodes the body of the run whose header read_run_length() just read, `length` values.
  void decode_run(std::int64_t* out, std::size_t length);
  void decode_short_repeat(std::int64_t* out, std::size_t length);
  void decode_direct(std::int64_t* out, std::size_t length);
  void decode_patched_base(std::int64_t* out, std::size_t length);
  void decode_delta(std::int64_t* out, std::size_t length);

  ByteCursor cursor_;
  bool signed_;
  std::uint8_t header_ = 0;  // first header byte of the current run
  std::array<std::int64_t, kMaxRunLength> staged_{};
  std::size_t staged_pos_ = 0;
  std::size_t staged_len_ = 0;
};

}  // namespace recis::orc

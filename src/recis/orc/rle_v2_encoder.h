// RleV2Encoder: ORC's integer run-length encoding version 2 (format 0.12). Values are buffered in
// blocks of at most 512; each block is written with the sub-encoding the Apache writers pick:
//   - runs of 3..10 equal values: SHORT_REPEAT; longer runs: DELTA with a fixed delta of 0;
//   - other blocks: DELTA when the block is monotone (first delta non-zero), PATCHED_BASE when a
//     few outliers need many more bits than the rest (90th vs 100th percentile width differ by
//     more than one bit), DIRECT otherwise. DIRECT and DELTA use byte-aligned bit widths.
// Signed values are zigzag-encoded where the format says so. Thread-safety: one thread at a time.
#pragma once

#include "recis/orc/integer_encoder.h"

namespace recis::orc {

class RleV2Encoder final : public IntegerEncoder {
 public:
  RleV2Encoder(OutputStream& out, bool is_signed) : out_(out), signed_(is_signed) {}

  using IntegerEncoder::add;
  void add(const std::int64_t* values, std::size_t count) override;
  void record_position(std::vector<std::uint64_t>& positions) const override;
  void flush() override;

  static constexpr int kMaxBlock = 512;

 private:
  static constexpr int kMinRepeat = 3;
  static constexpr int kMaxShortRepeat = 10;

  void add_one(std::int64_t value);
  // Writes the buffered run of count_ equal values.
  void write_run();
  // Writes values_[0, count) as DIRECT, PATCHED_BASE or DELTA.
  void write_block(int count);
  void write_direct(int count);
  // DIRECT of the first `count` values, already sign-encoded in scratch_; bits_100 is the width
  // the widest of them needs.
  void write_encoded_direct(int count, int bits_100);
  // Returns false (writing nothing) when the patch list would not fit the format.
  bool write_patched_base(int count, std::int64_t min, int reduced_bits_95, int reduced_bits_100);
  void write_delta(int count, bool fixed_delta);
  std::uint64_t encode_sign(std::int64_t value) const;

  OutputStream& out_;
  bool signed_;
  std::int64_t values_[kMaxBlock];
  int count_ = 0;
  int tail_run_ = 0;  // equal values at the end of the buffer; a run >= 3 is the whole buffer
  std::uint64_t scratch_[kMaxBlock];
};

}  // namespace recis::orc

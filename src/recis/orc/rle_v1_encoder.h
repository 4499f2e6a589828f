// RleV1Encoder: ORC's integer run-length encoding version 1 (files of format 0.11). Runs of
// 3..130 values with a constant delta in [-128, 127] become [count - 3, delta, varint base];
// up to 128 other values become [-count, varints...]. Varints are zigzag when signed.
// Thread-safety: one thread at a time.
#pragma once

#include "recis/orc/integer_encoder.h"

namespace recis::orc {

class RleV1Encoder final : public IntegerEncoder {
 public:
  RleV1Encoder(OutputStream& out, bool is_signed) : out_(out), signed_(is_signed) {}

  using IntegerEncoder::add;
  void add(const std::int64_t* values, std::size_t count) override;
  void record_position(std::vector<std::uint64_t>& positions) const override;
  void flush() override;

 private:
  static constexpr int kMinRun = 3;
  static constexpr int kMaxRun = 130;
  static constexpr int kMaxLiterals = 128;
  static constexpr int kMinDelta = -128;
  static constexpr int kMaxDelta = 127;

  void add_one(std::int64_t value);
  void write_value(std::int64_t value);
  void write_literals(int count);

  OutputStream& out_;
  bool signed_;
  std::int64_t values_[kMaxLiterals];
  int count_ = 0;
  // In a run: values_[0] is its first value, count_ its length, delta_ its step. Otherwise
  // tail_run_ counts the buffered values at the end that step by delta_ (1 = no step yet).
  bool in_run_ = false;
  int tail_run_ = 0;
  std::int64_t delta_ = 0;
};

}  // namespace recis::orc

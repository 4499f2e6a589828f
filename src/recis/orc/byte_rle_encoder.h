// ByteRleEncoder: ORC's byte run-length encoding (runs of 3..130 equal bytes as [count - 3,
// byte]; up to 128 other bytes as [-count, bytes...]), used for tinyint DATA, union tags and,
// through BooleanEncoder, every PRESENT stream. Values are buffered until a run or literal group
// is complete; record_position() appends the stream position of the first buffered value and
// how many values are buffered, as ORC's row index expects.
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <vector>

#include "recis/orc/output_stream.h"

namespace recis::orc {

class ByteRleEncoder {
 public:
  explicit ByteRleEncoder(OutputStream& out) : out_(out) {}

  void add(std::uint8_t value);
  void record_position(std::vector<std::uint64_t>& positions) const;
  // Writes the buffered values out.
  void flush();

 private:
  static constexpr int kMinRun = 3;
  static constexpr int kMaxRun = 130;
  static constexpr int kMaxLiterals = 128;

  void write_literals(int count);

  OutputStream& out_;
  std::uint8_t values_[kMaxLiterals];
  int count_ = 0;         // buffered values
  int tail_run_ = 0;      // equal values at the end of the buffer
  bool in_run_ = false;   // the buffer is one run of values_[0]
};

}  // namespace recis::orc

// ByteRleDecoder: ORC's byte run-length encoding (runs of 3..130 equal bytes, literal groups of
// 1..128 bytes). Decodes tinyint columns, union tags and, through BooleanDecoder, bit streams.
// Thread-safety: one decoder per stream, used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "recis/orc/byte_cursor.h"

namespace recis::orc {

class ByteRleDecoder {
 public:
  explicit ByteRleDecoder(StreamBytes stream) : cursor_(stream) {}

  // Writes the next `count` bytes to `out`; throws FormatError if the stream ends first.
  void next(std::uint8_t* out, std::size_t count);

 private:
  void read_header();

  ByteCursor cursor_;
  std::size_t run_left_ = 0;   // values left in the current run or literal group
  bool repeating_ = false;     // run (one repeated byte) or literals
  std::uint8_t run_value_ = 0;
};

}  // namespace recis::orc

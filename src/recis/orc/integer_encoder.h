// IntegerEncoder: the interface of ORC's integer run-length encoders (RLEv1 for format 0.11,
// RLEv2 for 0.12), signed (zigzag) or unsigned. Column writers hand it whole runs of values;
// record_position() appends the stream position where the buffered values start and how many
// values are buffered, as ORC's row index expects. Thread-safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "recis/orc/int_decoder.h"  // IntRleVersion, shared with the decoders
#include "recis/orc/output_stream.h"

namespace recis::orc {

class IntegerEncoder {
 public:
  virtual ~IntegerEncoder() = default;

  virtual void add(const std::int64_t* values, std::size_t count) = 0;
  void add(std::int64_t value) { add(&value, 1); }
  virtual void record_position(std::vector<std::uint64_t>& positions) const = 0;
  // Writes the buffered values out.
  virtual void flush() = 0;
};

std::unique_ptr<IntegerEncoder> make_integer_encoder(IntRleVersion version, OutputStream& out,
                                                     bool is_signed);

}  // namespace recis::orc

// IntDecoder: the integer run-length decoders behind every integer stream (values, lengths,
// dictionary ids, scales, seconds, nanos). RleV1Decoder serves DIRECT/DICTIONARY encodings,
// RleV2Decoder DIRECT_V2/DICTIONARY_V2. Column readers call next() once per batch, never per
// value. Thread-safety: one decoder per stream, used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "recis/orc/byte_cursor.h"

namespace recis::orc {

enum class IntRleVersion { V1, V2 };

class IntDecoder {
 public:
  virtual ~IntDecoder() = default;
  // Writes the next `count` values to `out`; throws FormatError if the stream ends first or a
  // run header is invalid. Unsigned streams return the bit pattern as int64.
  virtual void next(std::int64_t* out, std::size_t count) = 0;
};

std::unique_ptr<IntDecoder> make_int_decoder(IntRleVersion version, bool is_signed,
                                             StreamBytes stream);

}  // namespace recis::orc

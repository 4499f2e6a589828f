#include "recis/orc/integer_encoder.h"

#include "recis/orc/rle_v1_encoder.h"
#include "recis/orc/rle_v2_encoder.h"

namespace recis::orc {

std::unique_ptr<IntegerEncoder> make_integer_encoder(IntRleVersion version, OutputStream& out,
                                                     bool is_signed) {
  if (version == IntRleVersion::V1) return std::make_unique<RleV1Encoder>(out, is_signed);
  return std::make_unique<RleV2Encoder>(out, is_signed);
}

}  // namespace recis::orc

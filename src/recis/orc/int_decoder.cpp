#include "recis/orc/int_decoder.h"

#include "recis/orc/rle_v1_decoder.h"
#include "recis/orc/rle_v2_decoder.h"

namespace recis::orc {

std::unique_ptr<IntDecoder> make_int_decoder(IntRleVersion version, bool is_signed,
                                             StreamBytes stream) {
  if (version == IntRleVersion::V1) return std::make_unique<RleV1Decoder>(stream, is_signed);
  return std::make_unique<RleV2Decoder>(stream, is_signed);
}

}  // namespace recis::orc

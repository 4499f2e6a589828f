// recis::orc::FormatError: an ORC file that is not what the format promises (bad magic, a
// length past the end, a stream that does not decode). The message names the file and, where
// known, the stripe, the column and what was expected. Thrown by every reader stage.
// Thread-safety: a plain value type.
#pragma once

#include "recis/common/error.h"

namespace recis::orc {

class FormatError : public Error {
 public:
  using Error::Error;
};

}  // namespace recis::orc

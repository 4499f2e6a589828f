#include "recis/orc/lzo_library.h"

#include <lzo/lzoconf.h>

namespace recis::orc {

bool lzo_ready() {
  static const bool ready = lzo_init() == LZO_E_OK;
  return ready;
}

}  // namespace recis::orc

// liblzo2's one-time set-up, shared by the LZO Compressor and Decompressor: lzo_init() must run
// once before any other LZO call. Thread-safety: lzo_ready() may be called from any thread.
#pragma once

namespace recis::orc {

// Runs lzo_init() on the first call; true when it succeeded (false: the library's ABI does not
// match its headers). Later calls return the first result.
bool lzo_ready();

}  // namespace recis::orc

// libFuzzer target over the checkpoint manifest parser (serialize/core/checkpoint_dir.h): any byte
// string is parsed as a manifest.json; an accepted manifest must list sorted, distinct, plain
// relative paths. Only recis::Error may escape; a crash, a sanitizer report, another exception or
// a huge allocation is a finding. Seeds: fuzz_seed_writer (see fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "recis/common/error.h"
#include "recis/serialize/core/checkpoint_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recis::serialize;
  try {
    const Manifest manifest =
        parse_manifest(std::string_view(reinterpret_cast<const char*>(data), size), "ckpt-fuzz");
    for (std::size_t i = 0; i < manifest.files.size(); ++i) {
      const std::string& path = manifest.files[i].path;
      if (path.empty() || path.front() == '/' || (i > 0 && manifest.files[i - 1].path >= path)) {
        std::abort();
      }
    }
  } catch (const recis::Error&) {
    // Rejecting bad input with a clear error is the expected outcome.
  }
  return 0;
}

// libFuzzer target over SafeTensorsReader: any byte string is opened as a SafeTensors file; when
// the header is accepted, every tensor is read (each in two chunks, last tensor first), looked up
// by name, and the digest of the reads must equal the CRC-32C of the whole input. Only
// recis::Error may escape the reader; a crash, a sanitizer report, another exception, a huge
// allocation or a wrong digest is a finding. Seeds: fuzz_seed_writer (see fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "memory_file.h"
#include "recis/common/error.h"
#include "recis/serialize/core/crc32c.h"
#include "recis/serialize/core/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recis::serialize;
  static recis::fuzz::MemoryFile file;
  try {
    const SafeTensorsReader reader(file.hold(data, size));
    std::vector<std::byte> buffer;
    for (std::size_t t = reader.tensors().size(); t-- > 0;) {
      const TensorInfo& info = reader.tensors()[t];
      if (&reader.at(info.name) != &info || info.end > reader.file_bytes()) std::abort();
      buffer.resize(static_cast<std::size_t>(info.bytes()));
      const std::size_t half = buffer.size() / 2;
      reader.read(t, half, std::span(buffer).subspan(half));
      reader.read(t, 0, std::span(buffer).first(half));
    }
    const FileDigest digest = reader.digest_of_reads();
    if (digest.bytes != size || digest.crc32c != crc32c(data, size)) std::abort();
  } catch (const recis::Error&) {
    // Rejecting bad input with a clear error is the expected outcome.
  }
  return 0;
}

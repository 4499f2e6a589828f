// libFuzzer target over the embedding rows files (serialize/core/table_rows.h): any byte string is
// opened as a SafeTensors file and, as `recis ckpt` does, its layout is read, a table made for it
// and every row loaded; the digest of the loader's reads must then equal the CRC-32C of the whole
// input. bf16/fp16 rows are loaded once more into fp32 storage (the conversion a restore does).
// Only recis::Error may escape; a crash, a sanitizer report, another exception, a huge allocation
// or a wrong digest is a finding. Seeds: fuzz_seed_writer (see fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "memory_file.h"
#include "recis/common/error.h"
#include "recis/common/thread_pool.h"
#include "recis/serialize/core/crc32c.h"
#include "recis/serialize/core/table_rows.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recis::serialize;
  static recis::fuzz::MemoryFile file;
  static recis::ThreadPool pool(2);
  try {
    const SafeTensorsReader reader(file.hold(data, size));
    const RowsFileLayout layout = read_rows_layout(reader);
    recis::embedding::TableCore table(table_options_for(layout));
    load_rows_file(table, reader, -1, pool);
    const FileDigest digest = reader.digest_of_reads();
    if (digest.bytes != size || digest.crc32c != crc32c(data, size)) std::abort();
    if (layout.element_type != recis::embedding::ElementType::F32) {
      recis::embedding::TableOptions options = table_options_for(layout);
      options.element_type = recis::embedding::ElementType::F32;
      recis::embedding::TableCore fp32(options);
      load_rows_file(fp32, reader, -1, pool);
    }
  } catch (const recis::Error&) {
    // Rejecting bad input with a clear error is the expected outcome.
  }
  return 0;
}

// libFuzzer target over the ORC reader: any byte string is opened as an ORC file, every row is
// decoded (in small batches, so batches cross stripes) and printed. Only recis::Error may
// escape the reader; a crash, a sanitizer report, another exception or a huge allocation is a
// finding. Seeds: ../shared/orc-corpus (see fuzz/CMakeLists.txt for the run command).
#include <cstddef>
#include <cstdint>
#include <string>

#include "recis/common/error.h"
#include "recis/orc/reader.h"
#include "recis/orc/row_printer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recis::orc;
  try {
    auto reader = Reader::open(
        InputFile::from_memory(std::string(reinterpret_cast<const char*>(data), size), "fuzz.orc"));
    const RowPrinter printer(reader->selected_type());
    auto batch = reader->make_batch();
    std::string out;
    while (const std::size_t rows = reader->next(*batch, 777)) {
      out.clear();
      for (std::size_t row = 0; row < rows; ++row) printer.append_row(*batch, row, out);
    }
    reader->read_metadata();
    for (std::size_t s = 0; s < reader->num_stripes(); ++s) reader->read_stripe_footer(s);
  } catch (const recis::Error&) {
    // Rejecting bad input with a clear error is the expected outcome.
  }
  return 0;
}

// RowPrinter: formats rows of a ColumnVector as one JSON-like line each, the output of
// `recis orc cat` and the corpus tests (format: ../shared/orc-corpus/README.md). Floats print
// as %.7g, doubles %.14g, decimals with exactly `scale` fraction digits, timestamps as the
// writer's wall-clock time. Thread-safety: const methods; one printer per thread.
#pragma once

#include <string>

#include "recis/orc/column_vector.h"
#include "recis/orc/type.h"

namespace recis::orc {

class RowPrinter {
 public:
  // `type` is the shape of the batches printed (Reader::selected_type()).
  explicit RowPrinter(Type type) : type_(std::move(type)) {}

  // Appends row `row` of `batch` (no newline) to `out`.
  void append_row(const ColumnVector& batch, std::size_t row, std::string& out) const;

 private:
  Type type_;
};

// Appends `bytes` in double quotes, escaping \\ \" \b \f \n \r \t only.
void append_quoted(std::string_view bytes, std::string& out);
// Appends an unscaled decimal value with exactly `scale` digits after the point.
void append_decimal(__int128 unscaled, std::uint32_t scale, std::string& out);

}  // namespace recis::orc

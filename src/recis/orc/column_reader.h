// ColumnReader: decodes one column of one stripe into a ColumnVector, a batch at a time; one
// subclass per type family (integers, floats, strings, decimals, timestamps, list, map, struct,
// union), created by make_column_reader() for the selected part of the schema. Readers append:
// each read() adds `rows` rows to the vector (Reader clears it once per batch), so list
// children can be read in bounded chunks and a batch may continue into the next stripe.
// Thread-safety: one reader tree per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "recis/orc/boolean_decoder.h"
#include "recis/orc/column_vector.h"
#include "recis/orc/format_error.h"
#include "recis/orc/int_decoder.h"
#include "recis/orc/stripe_streams.h"
#include "recis/orc/type.h"

namespace recis::orc {

// A FormatError whose message already names the file, stripe and column.
class ColumnFormatError : public FormatError {
 public:
  using FormatError::FormatError;
};

class ColumnReader {
 public:
  ColumnReader(const Type& type, const StripeStreams& streams);
  virtual ~ColumnReader() = default;
  ColumnReader(const ColumnReader&) = delete;
  ColumnReader& operator=(const ColumnReader&) = delete;

  // Appends `rows` rows to `out`. `incoming` (nullptr = all present) is the enclosing struct's
  // presence for those rows: a row whose parent is null is null here and reads no stream data.
  // A decoding failure throws ColumnFormatError naming the file, stripe and column.
  void read(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming);

  std::uint32_t column_id() const { return column_id_; }

 protected:
  // read() without the error context; throws FormatError saying what is wrong.
  virtual void read_rows(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming) = 0;

  // Extends out.num_rows and out.present by `rows` and returns how many of them are present.
  std::size_t append_present(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming);
  // The presence bytes of the rows just appended, or nullptr when all rows are present.
  static const std::uint8_t* appended_present(const ColumnVector& out, std::size_t rows) {
    return out.present.empty() ? nullptr : out.present.data() + (out.num_rows - rows);
  }
  // The RLE version this column's encoding implies.
  IntRleVersion rle_version() const { return rle_version_; }
  std::unique_ptr<IntDecoder> int_stream(proto::Stream::Kind kind, bool is_signed) const;
  // Throws ColumnFormatError with this column's context (for failures outside read()).
  [[noreturn]] void fail(const std::string& what) const;

  const StripeStreams& streams_;

 private:
  std::uint32_t column_id_;
  TypeKind kind_;
  IntRleVersion rle_version_;
  std::optional<BooleanDecoder> present_;
  std::vector<std::uint8_t> scratch_;
};

// `selected[c]` says whether file column c is read; a struct reader only has children for
// selected fields, matching the projected Type's vectors.
std::unique_ptr<ColumnReader> make_column_reader(const Type& type, const std::vector<bool>& selected,
                                                 const StripeStreams& streams);

// Moves the first `present_count` values of `values` to the present slots of `rows` rows
// (mask[i] != 0), filling null slots with T{}. Works back to front, in place.
template <typename T>
void spread_to_present(T* values, std::size_t rows, std::size_t present_count,
                       const std::uint8_t* mask) {
  if (mask == nullptr || present_count == rows) return;
  std::size_t source = present_count;
  for (std::size_t i = rows; i-- > 0;) {
    values[i] = mask[i] ? values[--source] : T{};
  }
}

}  // namespace recis::orc

// StripeStreams: one stripe's footer and the stored bytes of the streams that the selected
// columns need, located by (column id, stream kind). Streams stay compressed: the column readers'
// cursors (byte_cursor.h) decode them a chunk at a time with the reader's Decompressor. Built by
// Reader per stripe and consumed by the column readers it creates. Every offset and length is
// checked against the stripe and the file before it is read.
// Thread-safety: immutable after construction; its streams share the reader's Decompressor, so
// the column readers of one stripe run on one thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "recis/orc/byte_cursor.h"
#include "recis/orc/decompressor.h"
#include "recis/orc/input_file.h"
#include "recis/orc/orc_proto.pb.h"

namespace recis::orc {

// Reads and parses stripe `index`'s footer after checking the stripe lies within
// [3, content_end). Throws FormatError naming the file and stripe.
proto::StripeFooter read_stripe_footer(const InputFile& file, Decompressor& decompressor,
                                       const proto::StripeInformation& info, std::size_t index,
                                       std::uint64_t content_end);

class StripeStreams {
 public:
  // Reads stripe `index` (described by `info`) of `file`; `selected[c]` says whether column c
  // is read. `content_end` is where the file's stripes must end.
  StripeStreams(const InputFile& file, Decompressor& decompressor,
                const proto::StripeInformation& info, std::size_t index,
                std::uint64_t content_end, const std::vector<bool>& selected);

  // The stream as stored (for a ByteCursor); nullptr when the stripe has no such stream.
  const StreamBytes* find(std::uint32_t column, proto::Stream::Kind kind) const;
  // The stream as stored, or an empty stream when the stripe has no such stream.
  StreamBytes get(std::uint32_t column, proto::Stream::Kind kind) const;
  // The stream's plain bytes, decompressed as a whole (dictionaries, read at once anyway).
  std::string read_whole(std::uint32_t column, proto::Stream::Kind kind) const;
  const proto::ColumnEncoding& encoding(std::uint32_t column) const;
  // The writer's time zone name; "UTC" when the stripe footer names none.
  const std::string& writer_timezone() const { return writer_timezone_; }
  std::uint64_t num_rows() const { return num_rows_; }
  // The most values (rows, list elements) the selected streams can plausibly encode: the densest
  // encoding (a byte-RLE run of zero bits) holds 520 values per decoded byte, counted by the
  // chunk headers' bound of the decoded size; the slack admits columns without streams (empty
  // structs). Larger counts in a stripe are corrupt.
  std::uint64_t value_limit() const { return value_limit_; }
  std::size_t index() const { return index_; }
  // "FILE stripe N" for error messages.
  const std::string& context() const { return context_; }

 private:
  // Stream kinds a column reader uses: PRESENT, DATA, LENGTH, DICTIONARY_DATA, DICTIONARY_COUNT,
  // SECONDARY (their enum values are 0..5).
  static constexpr std::size_t kDataKinds = 6;
  struct ColumnStreams {
    std::array<StreamBytes, kDataKinds> bytes{};
    std::array<bool, kDataKinds> found{};
  };

  std::string context_;
  std::size_t index_;
  std::uint64_t num_rows_;
  std::uint64_t value_limit_ = 0;
  proto::StripeFooter footer_;
  std::string writer_timezone_;
  Decompressor* decompressor_;
  std::vector<ColumnStreams> columns_;
  std::string stripe_bytes_;  // the stripe's data section when the file is not in memory
};

}  // namespace recis::orc

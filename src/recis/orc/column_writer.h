// ColumnWriter: writes one ORC column (and, through its children, the columns under it) for the
// Writer. Rows arrive as ranges of the columnar buffers of column_vector.h; each column keeps
// its PRESENT stream (dropped at the end of a stripe without nulls), its own streams, the row
// index of the stripe (positions where each row group starts, plus the group's statistics) and
// statistics per row group, stripe and file. Null rows of a struct, list, map or union give
// their children no rows, as ORC requires. Thread-safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "recis/orc/boolean_encoder.h"
#include "recis/orc/column_statistics.h"
#include "recis/orc/column_vector.h"
#include "recis/orc/compressor.h"
#include "recis/orc/integer_encoder.h"
#include "recis/orc/orc_proto.pb.h"
#include "recis/orc/output_stream.h"
#include "recis/orc/type.h"

namespace recis::orc {

// Settings every column writer shares (owned by the Writer, which outlives its columns).
struct ColumnWriterContext {
  Compressor* compressor = nullptr;  // null: no compression
  std::size_t block_size = 256 * 1024;
  IntRleVersion rle_version = IntRleVersion::V2;
  // A string column is dictionary-encoded in a stripe when distinct / non-null values <= this.
  double dictionary_key_ratio = 0.8;
};

// One stream of a finished stripe, in the order it goes into the file.
struct StripeStream {
  proto::Stream::Kind kind;
  std::uint32_t column;
  const OutputStream* stream;
};

// What the columns hand the Writer when a stripe ends; vectors indexed by column id.
struct StripeContents {
  std::vector<StripeStream> streams;
  std::vector<proto::ColumnEncoding> encodings;
  std::vector<proto::RowIndex> row_indexes;
  std::vector<proto::ColumnStatistics> statistics;
};

class ColumnWriter {
 public:
  ColumnWriter(const Type& type, std::string name, const ColumnWriterContext& context);
  virtual ~ColumnWriter() = default;
  ColumnWriter(const ColumnWriter&) = delete;
  ColumnWriter& operator=(const ColumnWriter&) = delete;

  // Appends rows [begin, end) of `vector`, whose shape must match this column's type
  // (ConfigError naming the column otherwise, or for a value the type cannot hold).
  void write(const ColumnVector& vector, std::size_t begin, std::size_t end);

  // Ends the current row group in this subtree: its index entry gets the start positions and
  // the group's statistics; the next group starts here.
  void finish_row_group();
  // Encodes what is buffered and appends this subtree's streams, encodings, row indexes and
  // stripe statistics to `contents`. The streams stay valid until start_stripe().
  void flush_stripe(StripeContents& contents);
  // Empties the subtree's streams and starts the first row group of a new stripe.
  void start_stripe();

  // Bytes held for the current stripe in this subtree.
  std::size_t buffered_size() const;
  // File statistics of this subtree, appended in column-id order.
  void file_statistics(std::vector<proto::ColumnStatistics>& out) const;

 protected:
  // Writes the values of rows [begin, end) (nulls are already in PRESENT and in stats()).
  virtual void write_values(const ColumnVector& vector, std::size_t begin, std::size_t end) = 0;
  // Appends the positions of this column's own streams (after PRESENT's) for a new row group.
  virtual void record_positions(std::vector<std::uint64_t>& positions) = 0;
  // Flushes the encoders; appends the streams (not PRESENT) and sets the encoding.
  virtual void flush_streams(std::vector<StripeStream>& streams,
                             proto::ColumnEncoding& encoding) = 0;
  // Empties the column's own streams.
  virtual void clear_streams() = 0;
  virtual std::size_t own_buffered_size() const = 0;
  // Called after an index entry is added (entries() holds it).
  virtual void on_row_group_finished() {}

  void add_child(std::unique_ptr<ColumnWriter> child) { children_.push_back(std::move(child)); }
  std::unique_ptr<OutputStream> make_stream() const;

  const Type& type() const { return type_; }
  const std::string& name() const { return name_; }
  const ColumnWriterContext& context() const { return context_; }
  StatisticsBuilder& stats() { return group_stats_; }
  proto::RowIndex& entries() { return row_index_; }
  const std::vector<std::unique_ptr<ColumnWriter>>& children() const { return children_; }

  // Throws ConfigError "column NAME row ROW: WHAT".
  [[noreturn]] void fail(std::size_t row, const std::string& what) const;
  // Fails unless a buffer of the vector (`what`) holds at least `needed` entries.
  void require_size(std::size_t size, std::size_t needed, const char* what) const;

 private:
  void start_row_group();

  const Type& type_;
  std::string name_;
  const ColumnWriterContext& context_;
  std::unique_ptr<OutputStream> present_stream_;
  BooleanEncoder present_;
  bool stripe_has_nulls_ = false;
  std::vector<std::uint64_t> group_start_positions_;
  proto::RowIndex row_index_;
  StatisticsBuilder group_stats_;
  StatisticsBuilder stripe_stats_;
  StatisticsBuilder file_stats_;
  std::vector<std::unique_ptr<ColumnWriter>> children_;
};

// The writer for `type`'s subtree; `name` is its dotted path for error messages.
std::unique_ptr<ColumnWriter> make_column_writer(const Type& type, std::string name,
                                                 const ColumnWriterContext& context);

[[noreturn]] void throw_vector_mismatch(const Type& type, const std::string& name);

// The vector as its concrete type for column `name`, or ConfigError naming both kinds.
template <typename VectorT>
const VectorT& vector_as(const ColumnVector& vector, const Type& type, const std::string& name) {
  const auto* typed = dynamic_cast<const VectorT*>(&vector);
  if (typed == nullptr) throw_vector_mismatch(type, name);
  return *typed;
}

}  // namespace recis::orc

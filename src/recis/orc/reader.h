// Reader: reads an ORC file into columnar batches. Opening parses and checks the file tail;
// next() decodes up to N rows of the selected columns, one stripe's streams in memory at a time,
// continuing across stripes (like Apache ORC's RowReader::next). Corrupt input throws
// FormatError naming the file, stripe and column; nothing is allocated from an unchecked size.
// Used by io::Dataset, the `recis orc` commands and the tests.
// Thread-safety: one thread at a time per Reader; open one Reader per thread for parallel reads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "recis/orc/column_vector.h"
#include "recis/orc/file_tail.h"
#include "recis/orc/input_file.h"
#include "recis/orc/projection.h"

namespace recis::orc {

class ColumnReader;
class StripeStreams;

struct ReaderOptions {
  // Column names or dotted struct paths ("a", "b.c"); empty reads every column.
  std::vector<std::string> columns;
};

class Reader {
 public:
  static std::unique_ptr<Reader> open(const std::filesystem::path& path,
                                      const ReaderOptions& options = {});
  static std::unique_ptr<Reader> open(std::unique_ptr<InputFile> file,
                                      const ReaderOptions& options = {});
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  const std::string& name() const { return file_->name(); }
  const FileTail& tail() const { return tail_; }
  const Type& schema() const { return tail_.schema(); }
  // The projected schema; batches have this shape.
  const Type& selected_type() const { return projection_.type; }
  std::uint64_t num_rows() const { return tail_.num_rows(); }
  std::size_t num_stripes() const { return static_cast<std::size_t>(tail_.footer().stripes_size()); }
  // Per-stripe column statistics (read from the file on each call).
  proto::Metadata read_metadata() const { return tail_.read_metadata(*file_); }

  // Stripe `index`'s footer (streams, encodings, writer time zone), read from the file.
  proto::StripeFooter read_stripe_footer(std::size_t index) const;

  // An empty batch of selected_type()'s shape.
  std::unique_ptr<ColumnVector> make_batch() const;

  // Replaces `batch` with the next up-to-`max_rows` rows; returns the count, 0 at the end.
  std::size_t next(ColumnVector& batch, std::size_t max_rows);

  // Positions the reader at the first row of stripe `index` (num_stripes() = the end).
  void seek_to_stripe(std::size_t index);
  // The stripe the next row comes from and the rows already read from it.
  std::size_t current_stripe() const { return stripe_index_; }
  std::uint64_t rows_read_in_stripe() const { return stripe_rows_read_; }

 private:
  Reader(std::unique_ptr<InputFile> file, const ReaderOptions& options);
  void open_stripe(std::size_t index);

  std::unique_ptr<InputFile> file_;
  FileTail tail_;
  Projection projection_;
  std::unique_ptr<Decompressor> decompressor_;
  std::size_t stripe_index_ = 0;
  std::uint64_t stripe_rows_read_ = 0;
  std::unique_ptr<StripeStreams> stripe_;  // the open stripe, or null
  std::unique_ptr<ColumnReader> column_reader_;
};

}  // namespace recis::orc

#include "recis/orc/reader.h"

#include <algorithm>

#include "recis/orc/column_reader.h"
#include "recis/orc/format_error.h"
#include "recis/orc/stripe_streams.h"

namespace recis::orc {

std::unique_ptr<Reader> Reader::open(const std::filesystem::path& path,
                                     const ReaderOptions& options) {
  return open(InputFile::open(path), options);
}

std::unique_ptr<Reader> Reader::open(std::unique_ptr<InputFile> file, const ReaderOptions& options) {
  return std::unique_ptr<Reader>(new Reader(std::move(file), options));
}

Reader::Reader(std::unique_ptr<InputFile> file, const ReaderOptions& options)
    : file_(std::move(file)),
      tail_(FileTail::read(*file_)),
      projection_(project(tail_.schema(), options.columns)),
      decompressor_(std::make_unique<Decompressor>(tail_.compression(), tail_.block_size())) {}

Reader::~Reader() = default;

std::unique_ptr<ColumnVector> Reader::make_batch() const {
  return make_column_vector(projection_.type);
}

proto::StripeFooter Reader::read_stripe_footer(std::size_t index) const {
  if (index >= num_stripes()) {
    throw ConfigError(name() + ": no stripe " + std::to_string(index) + " (the file has " +
                      std::to_string(num_stripes()) + ")");
  }
  Decompressor decompressor(tail_.compression(), tail_.block_size());
  return orc::read_stripe_footer(*file_, decompressor, tail_.footer().stripes(static_cast<int>(index)),
                                 index, tail_.content_end());
}

void Reader::seek_to_stripe(std::size_t index) {
  column_reader_.reset();
  stripe_.reset();
  stripe_index_ = std::min(index, num_stripes());
  stripe_rows_read_ = 0;
}

void Reader::open_stripe(std::size_t index) {
  column_reader_.reset();
  stripe_ = std::make_unique<StripeStreams>(*file_, *decompressor_,
                                            tail_.footer().stripes(static_cast<int>(index)), index,
                                            tail_.content_end(), projection_.selected);
  column_reader_ = make_column_reader(tail_.schema(), projection_.selected, *stripe_);
}

std::size_t Reader::next(ColumnVector& batch, std::size_t max_rows) {
  if (max_rows == 0) throw ConfigError(name() + ": a batch needs at least one row");
  batch.clear();
  std::size_t rows = 0;
  while (rows < max_rows && stripe_index_ < num_stripes()) {
    const std::uint64_t stripe_rows =
        tail_.footer().stripes(static_cast<int>(stripe_index_)).number_of_rows();
    if (stripe_rows_read_ >= stripe_rows) {
      seek_to_stripe(stripe_index_ + 1);
      continue;
    }
    if (!column_reader_) open_stripe(stripe_index_);
    const auto n = static_cast<std::size_t>(
        std::min<std::uint64_t>(max_rows - rows, stripe_rows - stripe_rows_read_));
    column_reader_->read(batch, n, nullptr);
    rows += n;
    stripe_rows_read_ += n;
  }
  return rows;
}

}  // namespace recis::orc

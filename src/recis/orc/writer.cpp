#include "recis/orc/writer.h"

#include <cerrno>
#include <cstring>
#include <random>
#include <system_error>

#include "recis/common/error.h"
#include "recis/orc/type_proto.h"

namespace recis::orc {
namespace {

constexpr char kMagic[] = "ORC";
constexpr std::size_t kMagicLength = 3;
// WriterVersion ORC_135: timestamp statistics are in UTC; every earlier fix applies too.
constexpr std::uint32_t kWriterVersion = 6;
constexpr char kSoftwareVersion[] = "RecIS-C++ ORC writer 0.1";
constexpr char kWriterTimezone[] = "UTC";

std::filesystem::path temporary_path_for(const std::filesystem::path& path) {
  std::random_device random;
  const std::uint64_t tag = (std::uint64_t{random()} << 32) ^ random();
  char suffix[32];
  std::snprintf(suffix, sizeof(suffix), ".tmp-%016llx", static_cast<unsigned long long>(tag));
  return path.parent_path() / ("." + path.filename().string() + suffix);
}

void check_options(const WriterOptions& options) {
  if (options.compression_block_size == 0 ||
      options.compression_block_size > OutputStream::kMaxBlockSize) {
    throw ConfigError("ORC writer: compression block size " +
                      std::to_string(options.compression_block_size) + " is out of range (1.." +
                      std::to_string(OutputStream::kMaxBlockSize) + ")");
  }
  if (options.stripe_size == 0) throw ConfigError("ORC writer: stripe size must be positive");
  if (!(options.dictionary_key_ratio >= 0 && options.dictionary_key_ratio <= 1)) {
    throw ConfigError("ORC writer: dictionary key ratio must lie in [0, 1]");
  }
}

}  // namespace

Writer::Writer(std::filesystem::path path, Type schema, WriterOptions options)
    : path_(std::move(path)), schema_(std::move(schema)), options_(std::move(options)) {
  check_options(options_);
  if (options_.compression != proto::NONE) {
    compressor_ = make_compressor(options_.compression, options_.compression_strategy);
  }
  context_.compressor = compressor_.get();
  context_.block_size = options_.compression_block_size;
  context_.rle_version = options_.version == FileVersion::V0_11 ? IntRleVersion::V1 : IntRleVersion::V2;
  context_.dictionary_key_ratio = options_.dictionary_key_ratio;
  root_ = make_column_writer(schema_, "", context_);
  root_->start_stripe();

  temporary_path_ = temporary_path_for(path_);
  file_ = std::fopen(temporary_path_.c_str(), "wb");
  if (file_ == nullptr) {
    throw IoError("cannot create " + temporary_path_.string() + " (for " + path_.string() +
                  "): " + std::strerror(errno));
  }
  write_bytes(kMagic, kMagicLength);
}

Writer::~Writer() {
  if (!closed_) remove_temporary();
}

void Writer::remove_temporary() {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
  }
  std::error_code ignored;
  std::filesystem::remove(temporary_path_, ignored);
}

void Writer::add(const ColumnVector& batch) {
  if (closed_) throw Error("ORC writer: add() after close() for " + path_.string());
  if (file_ == nullptr) {
    throw Error("ORC writer: " + path_.string() + " is unusable after an earlier error");
  }
  try {
    const std::uint64_t stride = options_.row_index_stride;
    std::size_t row = 0;
    while (row < batch.num_rows) {
      std::size_t rows = batch.num_rows - row;
      if (stride > 0) rows = std::min<std::size_t>(rows, stride - group_rows_);
      if (options_.stripe_rows > 0)
        rows = std::min<std::size_t>(rows, options_.stripe_rows - stripe_rows_);
      root_->write(batch, row, row + rows);
      row += rows;
      stripe_rows_ += rows;
      group_rows_ += rows;
      if (stride > 0 && group_rows_ == stride) {
        root_->finish_row_group();
        group_rows_ = 0;
      }
      const bool stripe_full = options_.stripe_rows > 0 && stripe_rows_ == options_.stripe_rows;
      if (stripe_full || root_->buffered_size() >= options_.stripe_size) flush_stripe();
    }
  } catch (...) {
    // Some columns may hold rows the others lack: the file can no longer be completed.
    remove_temporary();
    throw;
  }
}

void Writer::flush_stripe() {
  if (stripe_rows_ == 0) return;
  if (options_.row_index_stride > 0 && group_rows_ > 0) root_->finish_row_group();
  group_rows_ = 0;
  StripeContents contents;
  root_->flush_stripe(contents);

  proto::StripeInformation* info = footer_.add_stripes();
  info->set_offset(offset_);
  proto::StripeFooter stripe_footer;
  std::uint64_t index_length = 0;
  if (options_.row_index_stride > 0) {
    for (std::uint32_t column = 0; column < contents.row_indexes.size(); ++column) {
      const std::string bytes = encode_message(contents.row_indexes[column]);
      write_bytes(bytes);
      auto* stream = stripe_footer.add_streams();
      stream->set_kind(proto::Stream::ROW_INDEX);
      stream->set_column(column);
      stream->set_length(bytes.size());
      index_length += bytes.size();
    }
  }
  std::uint64_t data_length = 0;
  for (const StripeStream& entry : contents.streams) {
    write_bytes(entry.stream->bytes());
    auto* stream = stripe_footer.add_streams();
    stream->set_kind(entry.kind);
    stream->set_column(entry.column);
    stream->set_length(entry.stream->bytes().size());
    data_length += entry.stream->bytes().size();
  }
  for (const auto& encoding : contents.encodings) *stripe_footer.add_columns() = encoding;
  stripe_footer.set_writer_timezone(kWriterTimezone);
  const std::string footer_bytes = encode_message(stripe_footer);
  write_bytes(footer_bytes);

  info->set_index_length(index_length);
  info->set_data_length(data_length);
  info->set_footer_length(footer_bytes.size());
  info->set_number_of_rows(stripe_rows_);
  auto* stripe_stats = metadata_.add_stripe_stats();
  for (auto& stats : contents.statistics) *stripe_stats->add_col_stats() = std::move(stats);

  total_rows_ += stripe_rows_;
  stripe_rows_ = 0;
  root_->start_stripe();
}

void Writer::close() {
  if (closed_) return;
  if (file_ == nullptr) {
    throw Error("ORC writer: " + path_.string() + " is unusable after an earlier error");
  }
  try {
    flush_stripe();
    const std::uint64_t content_length = offset_;
    const std::string metadata = encode_message(metadata_);
    write_bytes(metadata);

    footer_.set_header_length(kMagicLength);
    footer_.set_content_length(content_length);
    type_to_proto(schema_, footer_.mutable_types());
    footer_.set_number_of_rows(total_rows_);
    std::vector<proto::ColumnStatistics> statistics;
    root_->file_statistics(statistics);
    for (auto& stats : statistics) *footer_.add_statistics() = std::move(stats);
    footer_.set_row_index_stride(options_.row_index_stride);
    footer_.set_calendar(proto::PROLEPTIC_GREGORIAN);
    footer_.set_software_version(kSoftwareVersion);
    for (const auto& [name, value] : options_.user_metadata) {
      auto* item = footer_.add_metadata();
      item->set_name(name);
      item->set_value(value);
    }
    const std::string footer = encode_message(footer_);
    write_bytes(footer);

    proto::PostScript postscript;
    postscript.set_footer_length(footer.size());
    postscript.set_compression(options_.compression);
    if (options_.compression != proto::NONE) {
      postscript.set_compression_block_size(options_.compression_block_size);
    }
    postscript.add_version(0);
    postscript.add_version(options_.version == FileVersion::V0_11 ? 11 : 12);
    postscript.set_metadata_length(metadata.size());
    postscript.set_writer_version(kWriterVersion);
    postscript.set_magic(kMagic);
    const std::string tail = postscript.SerializeAsString();
    write_bytes(tail);
    const auto tail_length = static_cast<std::uint8_t>(tail.size());
    write_bytes(&tail_length, 1);

    const bool flushed = std::fflush(file_) == 0;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!flushed || !closed) {
      throw IoError("cannot finish writing " + temporary_path_.string() + ": " +
                    std::strerror(errno));
    }
    std::error_code error;
    std::filesystem::rename(temporary_path_, path_, error);
    if (error) {
      throw IoError("cannot rename " + temporary_path_.string() + " to " + path_.string() +
                    ": " + error.message());
    }
  } catch (...) {
    remove_temporary();
    throw;
  }
  closed_ = true;
}

void Writer::write_bytes(const void* data, std::size_t size) {
  if (size == 0) return;
  if (std::fwrite(data, 1, size, file_) != size) {
    throw IoError("cannot write " + temporary_path_.string() + " (for " + path_.string() +
                  "): " + std::strerror(errno));
  }
  offset_ += size;
}

std::string Writer::encode_message(const google::protobuf::MessageLite& message) {
  const std::string serialized = message.SerializeAsString();
  OutputStream stream(compressor_.get(), options_.compression_block_size);
  stream.write(serialized.data(), serialized.size());
  stream.finish();
  return stream.bytes();
}

}  // namespace recis::orc

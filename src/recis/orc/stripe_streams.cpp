#include "recis/orc/stripe_streams.h"

#include "recis/orc/format_error.h"

namespace recis::orc {
namespace {

constexpr std::uint64_t kHeaderBytes = 3;  // "ORC"

}  // namespace

proto::StripeFooter read_stripe_footer(const InputFile& file, Decompressor& decompressor,
                                       const proto::StripeInformation& info, std::size_t index,
                                       std::uint64_t content_end) {
  const std::string context = file.name() + ": stripe " + std::to_string(index);
  const std::uint64_t offset = info.offset();
  const std::uint64_t index_length = info.index_length();
  const std::uint64_t data_length = info.data_length();
  const std::uint64_t footer_length = info.footer_length();
  const bool fits = offset >= kHeaderBytes && offset <= content_end &&
                    index_length <= content_end - offset &&
                    data_length <= content_end - offset - index_length &&
                    footer_length <= content_end - offset - index_length - data_length;
  if (!fits) {
    throw FormatError(context + ": offset " + std::to_string(offset) + " + index " +
                      std::to_string(index_length) + " + data " + std::to_string(data_length) +
                      " + footer " + std::to_string(footer_length) +
                      " bytes does not fit in the file's stripe area [3, " +
                      std::to_string(content_end) + ")");
  }
  std::string raw;
  file.read(offset + index_length + data_length, footer_length, raw, "stripe footer");
  std::string plain;
  try {
    decompressor.decompress(raw, plain);
  } catch (const FormatError& e) {
    throw FormatError(context + ": stripe footer: " + e.what());
  }
  proto::StripeFooter footer;
  if (!footer.ParseFromString(plain)) {
    throw FormatError(context + ": stripe footer is not a valid protobuf message");
  }
  return footer;
}

StripeStreams::StripeStreams(const InputFile& file, Decompressor& decompressor,
                             const proto::StripeInformation& info, std::size_t index,
                             std::uint64_t content_end, const std::vector<bool>& selected)
    : context_(file.name() + ": stripe " + std::to_string(index)),
      index_(index),
      num_rows_(info.number_of_rows()),
      decompressor_(&decompressor) {
  footer_ = read_stripe_footer(file, decompressor, info, index, content_end);
  const std::uint64_t offset = info.offset();
  const std::uint64_t index_length = info.index_length();
  const std::uint64_t data_length = info.data_length();
  writer_timezone_ = footer_.has_writer_timezone() && !footer_.writer_timezone().empty()
                         ? footer_.writer_timezone()
                         : "UTC";

  // Streams lie back to back from the stripe start, in footer order: index streams first, then
  // data streams. Only data-section streams of selected columns are read.
  const std::uint64_t data_start = offset + index_length;
  std::string_view stripe_data;
  if (const auto in_place = file.view(data_start, data_length, "stripe data")) {
    stripe_data = *in_place;
  } else {
    file.read(data_start, data_length, stripe_bytes_, "stripe data");
    stripe_data = stripe_bytes_;
  }
  columns_.resize(selected.size());
  std::uint64_t position = offset;
  for (const auto& stream : footer_.streams()) {
    const std::uint64_t length = stream.length();
    if (length > data_start + data_length - position) {
      throw FormatError(context_ + ": stream of column " + std::to_string(stream.column()) +
                        " (kind " + std::to_string(stream.kind()) + ", " +
                        std::to_string(length) + " bytes at offset " + std::to_string(position) +
                        ") runs past the stripe's data section");
    }
    const std::uint64_t start = position;
    position += length;
    const auto kind = static_cast<std::size_t>(stream.kind());
    const std::uint32_t column = stream.column();
    if (kind >= kDataKinds || column >= selected.size() || !selected[column]) continue;
    if (start < data_start) {
      throw FormatError(context_ + ": data stream of column " + std::to_string(column) +
                        " (kind " + std::to_string(kind) + ") lies in the index section");
    }
    ColumnStreams& streams = columns_[column];
    if (streams.found[kind]) {
      throw FormatError(context_ + ": column " + std::to_string(column) + " has two streams of kind " +
                        std::to_string(kind));
    }
    const std::string_view bytes = stripe_data.substr(start - data_start, length);
    streams.found[kind] = true;
    streams.bytes[kind] = StreamBytes(bytes, &decompressor);
  }

  constexpr std::uint64_t kValuesPerByte = 520;
  constexpr std::uint64_t kSlack = std::uint64_t{1} << 20;
  std::uint64_t decoded_bytes = 0;
  for (const auto& streams : columns_) {
    for (const StreamBytes& stream : streams.bytes) {
      decoded_bytes += decompressor.is_compressed()
                           ? decompressor.plain_size_bound(stream.bytes)
                           : stream.bytes.size();
    }
  }
  value_limit_ = decoded_bytes * kValuesPerByte + kSlack;
  if (num_rows_ > value_limit_) {
    throw FormatError(context_ + ": claims " + std::to_string(num_rows_) +
                      " rows but its streams can hold at most " + std::to_string(value_limit_));
  }

  for (std::uint32_t column = 0; column < selected.size(); ++column) {
    if (selected[column] && static_cast<int>(column) >= footer_.columns_size()) {
      throw FormatError(context_ + ": stripe footer has encodings for " +
                        std::to_string(footer_.columns_size()) + " columns but column " +
                        std::to_string(column) + " is read");
    }
  }
}

const StreamBytes* StripeStreams::find(std::uint32_t column, proto::Stream::Kind kind) const {
  const auto k = static_cast<std::size_t>(kind);
  if (column >= columns_.size() || k >= kDataKinds || !columns_[column].found[k]) return nullptr;
  return &columns_[column].bytes[k];
}

StreamBytes StripeStreams::get(std::uint32_t column, proto::Stream::Kind kind) const {
  const StreamBytes* stream = find(column, kind);
  return stream != nullptr ? *stream : StreamBytes();
}

std::string StripeStreams::read_whole(std::uint32_t column, proto::Stream::Kind kind) const {
  std::string plain;
  decompressor_->decompress(get(column, kind).bytes, plain);
  return plain;
}

const proto::ColumnEncoding& StripeStreams::encoding(std::uint32_t column) const {
  return footer_.columns(static_cast<int>(column));
}

}  // namespace recis::orc

#include "recis/orc/column_reader.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "recis/orc/column_readers.h"
#include "recis/orc/format_error.h"

namespace recis::orc {
namespace {

IntRleVersion version_of(const proto::ColumnEncoding& encoding, const StripeStreams& streams,
                         std::uint32_t column) {
  switch (encoding.kind()) {
    case proto::ColumnEncoding::DIRECT:
    case proto::ColumnEncoding::DICTIONARY:
      return IntRleVersion::V1;
    case proto::ColumnEncoding::DIRECT_V2:
    case proto::ColumnEncoding::DICTIONARY_V2:
      return IntRleVersion::V2;
  }
  throw FormatError(streams.context() + ": column " + std::to_string(column) +
                    " has unknown encoding " + std::to_string(encoding.kind()));
}

}  // namespace

ColumnReader::ColumnReader(const Type& type, const StripeStreams& streams)
    : streams_(streams),
      column_id_(type.column_id()),
      kind_(type.kind()),
      rle_version_(version_of(streams.encoding(type.column_id()), streams, type.column_id())) {
  if (const StreamBytes* present = streams.find(column_id_, proto::Stream::PRESENT)) {
    present_.emplace(*present);
  }
}

void ColumnReader::read(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming) {
  try {
    read_rows(out, rows, incoming);
  } catch (const ColumnFormatError&) {
    throw;
  } catch (const FormatError& e) {
    fail(e.what());
  }
}

void ColumnReader::fail(const std::string& what) const {
  throw ColumnFormatError(streams_.context() + ": column " + std::to_string(column_id_) + " (" +
                          std::string(type_kind_name(kind_)) + "): " + what);
}

std::unique_ptr<IntDecoder> ColumnReader::int_stream(proto::Stream::Kind kind,
                                                     bool is_signed) const {
  return make_int_decoder(rle_version_, is_signed, streams_.get(column_id_, kind));
}

std::size_t ColumnReader::append_present(ColumnVector& out, std::size_t rows,
                                         const std::uint8_t* incoming) {
  const std::size_t old_rows = out.num_rows;
  out.num_rows += rows;
  if (!present_ && incoming == nullptr) {
    if (!out.present.empty()) out.present.resize(old_rows + rows, 1);
    return rows;
  }
  if (out.present.empty()) out.present.assign(old_rows, 1);
  out.present.resize(old_rows + rows);
  std::uint8_t* mask = out.present.data() + old_rows;
  if (incoming == nullptr) {
    present_->next(mask, rows);
  } else if (!present_) {
    std::memcpy(mask, incoming, rows);
  } else {
    const auto parents = static_cast<std::size_t>(std::count_if(
        incoming, incoming + rows, [](std::uint8_t bit) { return bit != 0; }));
    scratch_.resize(parents);
    present_->next(scratch_.data(), parents);
    std::size_t next = 0;
    for (std::size_t i = 0; i < rows; ++i) mask[i] = incoming[i] ? scratch_[next++] : 0;
  }
  return static_cast<std::size_t>(
      std::count_if(mask, mask + rows, [](std::uint8_t bit) { return bit != 0; }));
}

std::unique_ptr<ColumnReader> make_column_reader(const Type& type, const std::vector<bool>& selected,
                                                 const StripeStreams& streams) {
  switch (type.kind()) {
    case TypeKind::Boolean:
      return make_boolean_reader(type, streams);
    case TypeKind::Byte:
      return make_byte_reader(type, streams);
    case TypeKind::Short:
    case TypeKind::Int:
    case TypeKind::Long:
    case TypeKind::Date:
      return make_integer_reader(type, streams);
    case TypeKind::Float:
    case TypeKind::Double:
      return make_floating_reader(type, streams);
    case TypeKind::String:
    case TypeKind::Binary:
    case TypeKind::Varchar:
    case TypeKind::Char:
      return make_string_reader(type, streams);
    case TypeKind::Decimal:
      return make_decimal_reader(type, streams);
    case TypeKind::Timestamp:
    case TypeKind::TimestampInstant:
      return make_timestamp_reader(type, streams);
    case TypeKind::List:
      return make_list_reader(type, selected, streams);
    case TypeKind::Map:
      return make_map_reader(type, selected, streams);
    case TypeKind::Struct:
      return make_struct_reader(type, selected, streams);
    case TypeKind::Union:
      return make_union_reader(type, selected, streams);
  }
  throw FormatError(streams.context() + ": column " + std::to_string(type.column_id()) +
                    " has an unknown type");
}

}  // namespace recis::orc

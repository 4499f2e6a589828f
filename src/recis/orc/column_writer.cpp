#include "recis/orc/column_writer.h"

#include "recis/common/error.h"
#include "recis/orc/typed_column_writers.h"

namespace recis::orc {

ColumnWriter::ColumnWriter(const Type& type, std::string name, const ColumnWriterContext& context)
    : type_(type),
      name_(std::move(name)),
      context_(context),
      present_stream_(make_stream()),
      present_(*present_stream_),
      group_stats_(type),
      stripe_stats_(type),
      file_stats_(type) {}

std::unique_ptr<OutputStream> ColumnWriter::make_stream() const {
  return std::make_unique<OutputStream>(context_.compressor, context_.block_size);
}

void ColumnWriter::write(const ColumnVector& vector, std::size_t begin, std::size_t end) {
  if (end > vector.num_rows || begin > end) {
    fail(begin, "rows [" + std::to_string(begin) + ", " + std::to_string(end) +
                    ") requested from a vector of " + std::to_string(vector.num_rows) + " rows");
  }
  if (vector.has_nulls()) {
    if (vector.present.size() < vector.num_rows) {
      fail(0, "present mask has " + std::to_string(vector.present.size()) + " entries for " +
                  std::to_string(vector.num_rows) + " rows");
    }
    for (std::size_t row = begin; row < end; ++row) {
      const bool present = vector.present[row] != 0;
      present_.add(present);
      if (!present) {
        group_stats_.add_null();
        stripe_has_nulls_ = true;
      }
    }
  } else {
    for (std::size_t row = begin; row < end; ++row) present_.add(true);
  }
  write_values(vector, begin, end);
}

void ColumnWriter::start_row_group() {
  group_start_positions_.clear();
  present_.record_position(group_start_positions_);
  record_positions(group_start_positions_);
}

void ColumnWriter::finish_row_group() {
  auto* entry = row_index_.add_entry();
  entry->mutable_positions()->Add(group_start_positions_.begin(), group_start_positions_.end());
  *entry->mutable_statistics() = group_stats_.to_proto();
  stripe_stats_.merge(group_stats_);
  group_stats_.reset();
  on_row_group_finished();
  for (auto& child : children_) child->finish_row_group();
  start_row_group();
}

void ColumnWriter::flush_stripe(StripeContents& contents) {
  const std::uint32_t column = type_.column_id();
  present_.flush();
  present_stream_->finish();
  if (stripe_has_nulls_) {
    contents.streams.push_back({proto::Stream::PRESENT, column, present_stream_.get()});
  } else {
    // No PRESENT stream in this stripe: its positions leave the index entries too.
    const int present_positions = context_.compressor != nullptr ? 4 : 3;
    for (auto& entry : *row_index_.mutable_entry()) {
      auto* positions = entry.mutable_positions();
      positions->erase(positions->begin(), positions->begin() + present_positions);
    }
  }
  proto::ColumnEncoding encoding;
  flush_streams(contents.streams, encoding);
  if (contents.encodings.size() <= column) contents.encodings.resize(column + 1);
  if (contents.row_indexes.size() <= column) contents.row_indexes.resize(column + 1);
  if (contents.statistics.size() <= column) contents.statistics.resize(column + 1);
  contents.encodings[column] = encoding;
  contents.row_indexes[column] = std::move(row_index_);
  stripe_stats_.merge(group_stats_);  // a group not closed by finish_row_group (none written)
  contents.statistics[column] = stripe_stats_.to_proto();
  file_stats_.merge(stripe_stats_);
  for (auto& child : children_) child->flush_stripe(contents);
}

void ColumnWriter::start_stripe() {
  present_stream_->clear();
  stripe_has_nulls_ = false;
  row_index_.Clear();
  group_stats_.reset();
  stripe_stats_.reset();
  clear_streams();
  start_row_group();
  for (auto& child : children_) child->start_stripe();
}

std::size_t ColumnWriter::buffered_size() const {
  std::size_t size = present_stream_->buffered_size() + own_buffered_size();
  for (const auto& child : children_) size += child->buffered_size();
  return size;
}

void ColumnWriter::file_statistics(std::vector<proto::ColumnStatistics>& out) const {
  out.push_back(file_stats_.to_proto());
  for (const auto& child : children_) child->file_statistics(out);
}

namespace {

// The root column has no field name.
std::string display_name(const std::string& name) { return name.empty() ? "<root>" : name; }

}  // namespace

void ColumnWriter::fail(std::size_t row, const std::string& what) const {
  throw ConfigError("ORC writer: column '" + display_name(name_) + "' (" + type_.to_string() + ") row " +
                    std::to_string(row) + ": " + what);
}

void ColumnWriter::require_size(std::size_t size, std::size_t needed, const char* what) const {
  if (size < needed) {
    throw ConfigError("ORC writer: column '" + display_name(name_) + "': the vector's " + what + " has " +
                      std::to_string(size) + " entries, expected at least " +
                      std::to_string(needed));
  }
}

void throw_vector_mismatch(const Type& type, const std::string& name) {
  throw ConfigError("ORC writer: column '" + display_name(name) + "' has type " + type.to_string() +
                    " but the batch holds a different kind of column vector there");
}

std::unique_ptr<ColumnWriter> make_column_writer(const Type& type, std::string name,
                                                 const ColumnWriterContext& context) {
  switch (type.kind()) {
    case TypeKind::Boolean: return make_boolean_writer(type, std::move(name), context);
    case TypeKind::Byte: return make_byte_writer(type, std::move(name), context);
    case TypeKind::Short:
    case TypeKind::Int:
    case TypeKind::Long:
    case TypeKind::Date: return make_integer_writer(type, std::move(name), context);
    case TypeKind::Float:
    case TypeKind::Double: return make_floating_writer(type, std::move(name), context);
    case TypeKind::String:
    case TypeKind::Varchar:
    case TypeKind::Char:
    case TypeKind::Binary: return make_string_writer(type, std::move(name), context);
    case TypeKind::Decimal: return make_decimal_writer(type, std::move(name), context);
    case TypeKind::Timestamp:
    case TypeKind::TimestampInstant: return make_timestamp_writer(type, std::move(name), context);
    case TypeKind::List:
    case TypeKind::Map:
    case TypeKind::Struct:
    case TypeKind::Union: return make_compound_writer(type, std::move(name), context);
  }
  throw ConfigError("ORC writer: column '" + display_name(name) + "' has an unknown type kind");
}

}  // namespace recis::orc

// Column writers for boolean, tinyint, smallint/int/bigint/date and float/double.
#include <bit>
#include <limits>

#include "recis/orc/byte_rle_encoder.h"
#include "recis/orc/typed_column_writers.h"

namespace recis::orc {
namespace {

proto::ColumnEncoding::Kind integer_encoding(IntRleVersion version) {
  return version == IntRleVersion::V2 ? proto::ColumnEncoding::DIRECT_V2
                                      : proto::ColumnEncoding::DIRECT;
}

// The rows of [begin, end) that hold values: all of them, or those marked present.
template <typename Fn>
void for_each_present(const ColumnVector& vector, std::size_t begin, std::size_t end, Fn&& fn) {
  if (!vector.has_nulls()) {
    for (std::size_t row = begin; row < end; ++row) fn(row);
    return;
  }
  for (std::size_t row = begin; row < end; ++row) {
    if (vector.present[row] != 0) fn(row);
  }
}

// Columns with a single DATA stream.
class SingleStreamWriter : public ColumnWriter {
 public:
  SingleStreamWriter(const Type& type, std::string name, const ColumnWriterContext& context)
      : ColumnWriter(type, std::move(name), context), data_(make_stream()) {}

 protected:
  void clear_streams() override { data_->clear(); }
  std::size_t own_buffered_size() const override { return data_->buffered_size(); }
  void append_data_stream(std::vector<StripeStream>& streams) {
    data_->finish();
    streams.push_back({proto::Stream::DATA, type().column_id(), data_.get()});
  }

  std::unique_ptr<OutputStream> data_;
};

// Columns whose DATA stream is one byte-oriented encoder (boolean, tinyint), encoded DIRECT.
template <typename Encoder>
class ByteEncodedWriter : public SingleStreamWriter {
 public:
  ByteEncodedWriter(const Type& type, std::string name, const ColumnWriterContext& context)
      : SingleStreamWriter(type, std::move(name), context), encoder_(*data_) {}

 protected:
  void record_positions(std::vector<std::uint64_t>& positions) override {
    encoder_.record_position(positions);
  }
  void flush_streams(std::vector<StripeStream>& streams, proto::ColumnEncoding& encoding) override {
    encoder_.flush();
    append_data_stream(streams);
    encoding.set_kind(proto::ColumnEncoding::DIRECT);
  }

  Encoder encoder_;
};

class BooleanColumnWriter final : public ByteEncodedWriter<BooleanEncoder> {
 public:
  using ByteEncodedWriter::ByteEncodedWriter;

 protected:
  void write_values(const ColumnVector& vector, std::size_t begin, std::size_t end) override {
    const auto& values = vector_as<LongVector>(vector, type(), name()).values;
    require_size(values.size(), end, "values");
    for_each_present(vector, begin, end, [&](std::size_t row) {
      const bool value = values[row] != 0;
      encoder_.add(value);
      stats().add_boolean(value);
    });
  }
};

class ByteColumnWriter final : public ByteEncodedWriter<ByteRleEncoder> {
 public:
  using ByteEncodedWriter::ByteEncodedWriter;

 protected:
  void write_values(const ColumnVector& vector, std::size_t begin, std::size_t end) override {
    const auto& values = vector_as<LongVector>(vector, type(), name()).values;
    require_size(values.size(), end, "values");
    for_each_present(vector, begin, end, [&](std::size_t row) {
      const std::int64_t value = values[row];
      if (value < std::numeric_limits<std::int8_t>::min() ||
          value > std::numeric_limits<std::int8_t>::max()) {
        fail(row, "value " + std::to_string(value) + " does not fit a tinyint (-128..127)");
      }
      encoder_.add(static_cast<std::uint8_t>(value));
      stats().add_integer(value);
    });
  }
};

// smallint, int, bigint and date: signed integer RLE.
class IntegerColumnWriter final : public SingleStreamWriter {
 public:
  IntegerColumnWriter(const Type& type, std::string name, const ColumnWriterContext& context)
      : SingleStreamWriter(type, std::move(name), context),
        encoder_(make_integer_encoder(context.rle_version, *data_, /*is_signed=*/true)) {
    switch (type.kind()) {
      case TypeKind::Short:
        min_ = std::numeric_limits<std::int16_t>::min();
        max_ = std::numeric_limits<std::int16_t>::max();
        break;
      case TypeKind::Int:
      case TypeKind::Date:
        min_ = std::numeric_limits<std::int32_t>::min();
        max_ = std::numeric_limits<std::int32_t>::max();
        break;
      default: break;
    }
  }

 protected:
  void write_values(const ColumnVector& vector, std::size_t begin, std::size_t end) override {
    const auto& values = vector_as<LongVector>(vector, type(), name()).values;
    require_size(values.size(), end, "values");
    const bool is_date = type().kind() == TypeKind::Date;
    if (!vector.has_nulls()) {
      for (std::size_t row = begin; row < end; ++row) check_and_count(row, values[row], is_date);
      encoder_->add(values.data() + begin, end - begin);
      return;
    }
    for_each_present(vector, begin, end, [&](std::size_t row) {
      check_and_count(row, values[row], is_date);
      encoder_->add(values[row]);
    });
  }
  void record_positions(std::vector<std::uint64_t>& positions) override {
    encoder_->record_position(positions);
  }
  void flush_streams(std::vector<StripeStream>& streams, proto::ColumnEncoding& encoding) override {
    encoder_->flush();
    append_data_stream(streams);
    encoding.set_kind(integer_encoding(context().rle_version));
  }

 private:
  void check_and_count(std::size_t row, std::int64_t value, bool is_date) {
    if (value < min_ || value > max_) {
      fail(row, "value " + std::to_string(value) + " is out of range for " + type().to_string());
    }
    if (is_date) {
      stats().add_date(value);
    } else {
      stats().add_integer(value);
    }
  }

  std::unique_ptr<IntegerEncoder> encoder_;
  std::int64_t min_ = std::numeric_limits<std::int64_t>::min();
  std::int64_t max_ = std::numeric_limits<std::int64_t>::max();
};

// float and double: IEEE 754 little-endian, 4 or 8 bytes a value.
class FloatingColumnWriter final : public SingleStreamWriter {
 public:
  using SingleStreamWriter::SingleStreamWriter;

 protected:
  void write_values(const ColumnVector& vector, std::size_t begin, std::size_t end) override {
    const auto& values = vector_as<DoubleVector>(vector, type(), name()).values;
    require_size(values.size(), end, "values");
    const bool is_float = type().kind() == TypeKind::Float;
    if (!vector.has_nulls() && !is_float) {
      for (std::size_t row = begin; row < end; ++row) stats().add_double(values[row]);
      data_->write(values.data() + begin, (end - begin) * sizeof(double));
      return;
    }
    for_each_present(vector, begin, end, [&](std::size_t row) {
      if (is_float) {
        const auto value = static_cast<float>(values[row]);
        stats().add_double(value);
        data_->write(&value, sizeof(value));
      } else {
        stats().add_double(values[row]);
        data_->write(&values[row], sizeof(double));
      }
    });
  }
  void record_positions(std::vector<std::uint64_t>& positions) override {
    data_->record_position(positions);
  }
  void flush_streams(std::vector<StripeStream>& streams, proto::ColumnEncoding& encoding) override {
    append_data_stream(streams);
    encoding.set_kind(proto::ColumnEncoding::DIRECT);
  }
};

static_assert(std::endian::native == std::endian::little,
              "ORC stores floating point little-endian; this writer copies native bytes");

}  // namespace

std::unique_ptr<ColumnWriter> make_boolean_writer(const Type& type, std::string name,
                                                  const ColumnWriterContext& context) {
  return std::make_unique<BooleanColumnWriter>(type, std::move(name), context);
}

std::unique_ptr<ColumnWriter> make_byte_writer(const Type& type, std::string name,
                                               const ColumnWriterContext& context) {
  return std::make_unique<ByteColumnWriter>(type, std::move(name), context);
}

std::unique_ptr<ColumnWriter> make_integer_writer(const Type& type, std::string name,
                                                  const ColumnWriterContext& context) {
  return std::make_unique<IntegerColumnWriter>(type, std::move(name), context);
}

std::unique_ptr<ColumnWriter> make_floating_writer(const Type& type, std::string name,
                                                   const ColumnWriterContext& context) {
  return std::make_unique<FloatingColumnWriter>(type, std::move(name), context);
}

}  // namespace recis::orc

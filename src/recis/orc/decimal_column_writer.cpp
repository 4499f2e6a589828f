// The column writer for decimal: each unscaled value as an unbounded zigzag varint in DATA, the
// scale of each value (the column's) in SECONDARY. Accepts Decimal64Vector and Decimal128Vector.
#include <string>

#include "recis/orc/typed_column_writers.h"
#include "recis/orc/varint_encoder.h"

namespace recis::orc {
namespace {

// 10^digits as an int128 (digits <= 38).
__int128 power_of_ten(std::uint32_t digits) {
  __int128 value = 1;
  for (std::uint32_t i = 0; i < digits; ++i) value *= 10;
  return value;
}

class DecimalColumnWriter final : public ColumnWriter {
 public:
  DecimalColumnWriter(const Type& type, std::string name, const ColumnWriterContext& context)
      : ColumnWriter(type, std::move(name), context),
        data_(make_stream()),
        scales_(make_stream()),
        scale_encoder_(make_integer_encoder(context.rle_version, *scales_, /*is_signed=*/true)),
        limit_(power_of_ten(type.precision())) {}

 protected:
  void write_values(const ColumnVector& vector, std::size_t begin, std::size_t end) override {
    if (const auto* narrow = dynamic_cast<const Decimal64Vector*>(&vector)) {
      require_size(narrow->values.size(), end, "values");
      write_rows(vector, narrow->scale, begin, end, [&](std::size_t row) { return __int128{narrow->values[row]}; });
    } else {
      const auto& wide = vector_as<Decimal128Vector>(vector, type(), name());
      require_size(wide.values.size(), end, "values");
      write_rows(vector, wide.scale, begin, end, [&](std::size_t row) { return wide.values[row]; });
    }
  }
  void record_positions(std::vector<std::uint64_t>& positions) override {
    data_->record_position(positions);
    scale_encoder_->record_position(positions);
  }
  void flush_streams(std::vector<StripeStream>& streams, proto::ColumnEncoding& encoding) override {
    scale_encoder_->flush();
    data_->finish();
    scales_->finish();
    streams.push_back({proto::Stream::DATA, type().column_id(), data_.get()});
    streams.push_back({proto::Stream::SECONDARY, type().column_id(), scales_.get()});
    encoding.set_kind(context().rle_version == IntRleVersion::V2 ? proto::ColumnEncoding::DIRECT_V2
                                                                 : proto::ColumnEncoding::DIRECT);
  }
  void clear_streams() override {
    data_->clear();
    scales_->clear();
  }
  std::size_t own_buffered_size() const override {
    return data_->buffered_size() + scales_->buffered_size();
  }

 private:
  template <typename ValueAt>
  void write_rows(const ColumnVector& vector, std::uint32_t scale, std::size_t begin,
                  std::size_t end, ValueAt value_at) {
    if (scale != type().scale()) {
      fail(begin, "vector scale " + std::to_string(scale) + " differs from the column's " +
                      std::to_string(type().scale()));
    }
    for (std::size_t row = begin; row < end; ++row) {
      if (vector.is_null(row)) continue;
      const __int128 value = value_at(row);
      if (value >= limit_ || value <= -limit_) {
        fail(row, "value " + decimal_to_string(value, scale) + " has more than " +
                      std::to_string(type().precision()) + " digits");
      }
      write_varint128(*data_, zigzag_encode128(value));
      scale_encoder_->add(static_cast<std::int64_t>(scale));
      stats().add_decimal(value);
    }
  }

  std::unique_ptr<OutputStream> data_;
  std::unique_ptr<OutputStream> scales_;
  std::unique_ptr<IntegerEncoder> scale_encoder_;
  __int128 limit_;
};

}  // namespace

std::unique_ptr<ColumnWriter> make_decimal_writer(const Type& type, std::string name,
                                                  const ColumnWriterContext& context) {
  return std::make_unique<DecimalColumnWriter>(type, std::move(name), context);
}

}  // namespace recis::orc

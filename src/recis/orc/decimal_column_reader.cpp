// Column reader for decimal: DATA holds each unscaled value as a zigzag base-128 varint of up to
// 128 bits, SECONDARY its scale (signed integer RLE). Values are rescaled to the column's scale
// (Hive 0.11 files, which declare none, read with scale 6), into 64-bit slots for precision
// <= 18 and 128-bit slots above.
#include <cstdint>
#include <string>
#include <vector>

#include "recis/orc/column_readers.h"
#include "recis/orc/format_error.h"

namespace recis::orc {
namespace {

constexpr int kMaxScaleShift = 38;

unsigned __int128 power_of_ten(int exponent) {
  unsigned __int128 value = 1;
  for (int i = 0; i < exponent; ++i) value *= 10;
  return value;
}

class DecimalColumnReader final : public ColumnReader {
 public:
  DecimalColumnReader(const Type& type, const StripeStreams& streams)
      : ColumnReader(type, streams),
        data_(streams.get(type.column_id(), proto::Stream::DATA)),
        scales_(int_stream(proto::Stream::SECONDARY, true)),
        scale_(static_cast<int>(type.scale())),
        wide_(type.precision() > 18) {}

  void read_rows(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming) override {
    const std::size_t count = append_present(out, rows, incoming);
    value_scales_.resize(count);
    scales_->next(value_scales_.data(), count);
    const std::uint8_t* present = appended_present(out, rows);
    if (wide_) {
      auto& values = static_cast<Decimal128Vector&>(out).values;
      const std::size_t start = values.size();
      values.resize(start + rows);
      __int128* dest = values.data() + start;
      for (std::size_t i = 0; i < count; ++i) dest[i] = rescale(read_value(), value_scales_[i]);
      spread_to_present(dest, rows, count, present);
    } else {
      auto& values = static_cast<Decimal64Vector&>(out).values;
      const std::size_t start = values.size();
      values.resize(start + rows);
      std::int64_t* dest = values.data() + start;
      for (std::size_t i = 0; i < count; ++i) {
        const __int128 value = rescale(read_value(), value_scales_[i]);
        if (value > INT64_MAX || value < INT64_MIN) throw FormatError("a value does not fit its precision");
        dest[i] = static_cast<std::int64_t>(value);
      }
      spread_to_present(dest, rows, count, present);
    }
  }

 private:
  __int128 read_value() {
    unsigned __int128 raw = 0;
    for (int shift = 0;; shift += 7) {
      if (shift >= 128) throw FormatError("a value's varint is longer than 128 bits");
      const std::uint8_t byte = data_.read_byte();
      raw |= static_cast<unsigned __int128>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
    }
    const unsigned __int128 magnitude = raw >> 1;
    return static_cast<__int128>((raw & 1) ? ~magnitude : magnitude);
  }

  // Wrapping arithmetic on purpose: a corrupt value must not be undefined behaviour.
  __int128 rescale(__int128 value, std::int64_t value_scale) const {
    const std::int64_t shift = scale_ - value_scale;
    if (shift == 0) return value;
    if (shift > kMaxScaleShift || shift < -kMaxScaleShift) {
      throw FormatError("value scale " + std::to_string(value_scale) + " is too far from the column scale " +
           std::to_string(scale_));
    }
    if (shift > 0) {
      return static_cast<__int128>(static_cast<unsigned __int128>(value) *
                                   power_of_ten(static_cast<int>(shift)));
    }
    return value / static_cast<__int128>(power_of_ten(static_cast<int>(-shift)));
  }

  ByteCursor data_;
  std::unique_ptr<IntDecoder> scales_;
  int scale_;
  bool wide_;
  std::vector<std::int64_t> value_scales_;
};

}  // namespace

std::unique_ptr<ColumnReader> make_decimal_reader(const Type& type, const StripeStreams& streams) {
  return std::make_unique<DecimalColumnReader>(type, streams);
}

}  // namespace recis::orc

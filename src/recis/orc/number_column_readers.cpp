// Column readers for fixed-width values: boolean (bit stream), tinyint (byte RLE), smallint /
// int / bigint / date (integer RLE), float and double (little-endian IEEE 754).
#include <bit>
#include <cstring>
#include <vector>

#include "recis/orc/byte_rle_decoder.h"
#include "recis/orc/column_readers.h"

namespace recis::orc {
namespace {

static_assert(std::endian::native == std::endian::little,
              "float/double streams are copied as little-endian bytes");

// boolean and tinyint: a DATA stream of one byte per value (bits for boolean, decoded by
// `Decoder`), widened to int64 as `Element` (uint8_t for 0/1, int8_t for signed tinyint).
template <typename Decoder, typename Element>
class ByteStreamColumnReader final : public ColumnReader {
 public:
  ByteStreamColumnReader(const Type& type, const StripeStreams& streams)
      : ColumnReader(type, streams), data_(streams.get(type.column_id(), proto::Stream::DATA)) {}

  void read_rows(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming) override {
    const std::size_t count = append_present(out, rows, incoming);
    auto& values = static_cast<LongVector&>(out).values;
    bytes_.resize(count);
    data_.next(bytes_.data(), count);
    const std::size_t start = values.size();
    values.resize(start + rows);
    std::int64_t* dest = values.data() + start;
    for (std::size_t i = 0; i < count; ++i) dest[i] = static_cast<Element>(bytes_[i]);
    spread_to_present(dest, rows, count, appended_present(out, rows));
  }

 private:
  Decoder data_;
  std::vector<std::uint8_t> bytes_;
};

using BooleanColumnReader = ByteStreamColumnReader<BooleanDecoder, std::uint8_t>;
using ByteColumnReader = ByteStreamColumnReader<ByteRleDecoder, std::int8_t>;

class IntegerColumnReader final : public ColumnReader {
 public:
  IntegerColumnReader(const Type& type, const StripeStreams& streams)
      : ColumnReader(type, streams), data_(int_stream(proto::Stream::DATA, true)) {}

  void read_rows(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming) override {
    const std::size_t count = append_present(out, rows, incoming);
    auto& values = static_cast<LongVector&>(out).values;
    const std::size_t start = values.size();
    values.resize(start + rows);
    std::int64_t* dest = values.data() + start;
    data_->next(dest, count);
    spread_to_present(dest, rows, count, appended_present(out, rows));
  }

 private:
  std::unique_ptr<IntDecoder> data_;
};

class FloatingColumnReader final : public ColumnReader {
 public:
  FloatingColumnReader(const Type& type, const StripeStreams& streams)
      : ColumnReader(type, streams),
        data_(streams.get(type.column_id(), proto::Stream::DATA)),
        is_float_(type.kind() == TypeKind::Float) {}

  void read_rows(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming) override {
    const std::size_t count = append_present(out, rows, incoming);
    auto& values = static_cast<DoubleVector&>(out).values;
    const std::size_t start = values.size();
    values.resize(start + rows);
    double* dest = values.data() + start;
    if (is_float_) {
      const std::uint8_t* bytes = data_.take(count * sizeof(float));
      for (std::size_t i = 0; i < count; ++i) {
        float value;
        std::memcpy(&value, bytes + i * sizeof(float), sizeof(float));
        dest[i] = value;
      }
    } else if (count > 0) {  // a run of nulls may have no DATA stream to take from
      std::memcpy(dest, data_.take(count * sizeof(double)), count * sizeof(double));
    }
    spread_to_present(dest, rows, count, appended_present(out, rows));
  }

 private:
  ByteCursor data_;
  bool is_float_;
};

}  // namespace

std::unique_ptr<ColumnReader> make_boolean_reader(const Type& type, const StripeStreams& streams) {
  return std::make_unique<BooleanColumnReader>(type, streams);
}

std::unique_ptr<ColumnReader> make_byte_reader(const Type& type, const StripeStreams& streams) {
  return std::make_unique<ByteColumnReader>(type, streams);
}

std::unique_ptr<ColumnReader> make_integer_reader(const Type& type, const StripeStreams& streams) {
  return std::make_unique<IntegerColumnReader>(type, streams);
}

std::unique_ptr<ColumnReader> make_floating_reader(const Type& type, const StripeStreams& streams) {
  return std::make_unique<FloatingColumnReader>(type, streams);
}

}  // namespace recis::orc

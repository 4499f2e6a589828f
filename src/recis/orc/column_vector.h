// Columnar buffers for ORC data, one struct per type family, shaped so a tensor can adopt the
// memory as is: values in one contiguous vector, variable-length data as int64 offsets[n+1] over
// one byte buffer or one child vector. The reader fills them a batch at a time; the writer
// consumes the same buffers. Null rows keep a slot (0, empty string, empty list) so offsets stay
// monotone. Thread-safety: plain data; one thread writes a vector at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "recis/orc/type.h"

namespace recis::orc {

struct ColumnVector {
  explicit ColumnVector(TypeKind kind) : kind(kind) {}
  virtual ~ColumnVector() = default;
  ColumnVector(const ColumnVector&) = delete;
  ColumnVector& operator=(const ColumnVector&) = delete;

  // Empties the vector (keeps capacity) so it can be refilled with `rows` rows.
  virtual void clear();

  bool has_nulls() const { return !present.empty(); }
  bool is_null(std::size_t row) const { return !present.empty() && present[row] == 0; }
  // Counts one more row (num_rows + 1), null unless `has_value`; the first null creates the
  // mask, with 1 for the rows before it (none when it is row 0). The caller fills the value slot.
  void append_presence(bool has_value);

  TypeKind kind;
  std::size_t num_rows = 0;
  // One byte per row, 1 = value present, 0 = null; empty when no row is null.
  std::vector<std::uint8_t> present;
};

// boolean (0/1), tinyint, smallint, int, bigint and date (days since 1970-01-01).
struct LongVector : ColumnVector {
  using ColumnVector::ColumnVector;
  void clear() override;
  std::vector<std::int64_t> values;
};

// float and double (floats widened exactly).
struct DoubleVector : ColumnVector {
  using ColumnVector::ColumnVector;
  void clear() override;
  std::vector<double> values;
};

// string, char, varchar and binary: row i is bytes[offsets[i], offsets[i+1]).
struct BytesVector : ColumnVector {
  using ColumnVector::ColumnVector;
  void clear() override;
  std::string_view value(std::size_t row) const {
    return {bytes.data() + offsets[row], static_cast<std::size_t>(offsets[row + 1] - offsets[row])};
  }
  std::vector<std::int64_t> offsets{0};
  std::vector<char> bytes;
};

// decimal with precision <= 18: the unscaled value; the number is values[i] / 10^scale.
struct Decimal64Vector : ColumnVector {
  Decimal64Vector(std::uint32_t precision, std::uint32_t scale)
      : ColumnVector(TypeKind::Decimal), precision(precision), scale(scale) {}
  void clear() override;
  std::uint32_t precision;
  std::uint32_t scale;
  std::vector<std::int64_t> values;
};

// decimal with precision 19..38.
struct Decimal128Vector : ColumnVector {
  Decimal128Vector(std::uint32_t precision, std::uint32_t scale)
      : ColumnVector(TypeKind::Decimal), precision(precision), scale(scale) {}
  void clear() override;
  std::uint32_t precision;
  std::uint32_t scale;
  std::vector<__int128> values;
};

// timestamp: seconds since 1970-01-01 00:00:00 UTC plus nanoseconds (0..999999999), the
// instant the writer stored. Printing as wall-clock time uses `writer_timezone` (the stripe
// footer's; empty = UTC); TIMESTAMP_INSTANT columns are always shown in UTC.
struct TimestampVector : ColumnVector {
  using ColumnVector::ColumnVector;
  void clear() override;
  std::vector<std::int64_t> seconds;
  std::vector<std::int32_t> nanos;
  std::string writer_timezone;
};

// list: row i holds child rows [offsets[i], offsets[i+1]).
struct ListVector : ColumnVector {
  using ColumnVector::ColumnVector;
  void clear() override;
  std::vector<std::int64_t> offsets{0};
  std::unique_ptr<ColumnVector> elements;
};

// map: row i holds key/value rows [offsets[i], offsets[i+1]) of `keys` and `values`.
struct MapVector : ColumnVector {
  using ColumnVector::ColumnVector;
  void clear() override;
  std::vector<std::int64_t> offsets{0};
  std::unique_ptr<ColumnVector> keys;
  std::unique_ptr<ColumnVector> values;
};

// struct: one child per (selected) field, each with num_rows rows.
struct StructVector : ColumnVector {
  using ColumnVector::ColumnVector;
  void clear() override;
  std::vector<std::unique_ptr<ColumnVector>> fields;
};

// union: row i is alternative tags[i], value children[tags[i]] row child_rows[i].
struct UnionVector : ColumnVector {
  using ColumnVector::ColumnVector;
  void clear() override;
  std::vector<std::uint8_t> tags;
  std::vector<std::int64_t> child_rows;
  std::vector<std::unique_ptr<ColumnVector>> children;
};

// An empty vector tree matching `type` (Decimal64Vector for precision <= 18).
std::unique_ptr<ColumnVector> make_column_vector(const Type& type);

}  // namespace recis::orc

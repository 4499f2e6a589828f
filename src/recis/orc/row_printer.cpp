#include "recis/orc/row_printer.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "recis/orc/time_zone.h"

namespace recis::orc {
namespace {

void append_format(std::string& out, const char* format, auto... args) {
  char buffer[64];
  const int n = std::snprintf(buffer, sizeof(buffer), format, args...);
  out.append(buffer, static_cast<std::size_t>(n < 0 ? 0 : std::min<int>(n, sizeof(buffer) - 1)));
}

void append_date(std::int64_t days, std::string& out) {
  const CivilTime date = civil_from_days(days);
  append_format(out, "\"%04" PRId64 "-%02d-%02d\"", date.year, date.month, date.day);
}

void append_timestamp(const TimestampVector& vector, std::size_t row, std::string& out) {
  const CivilTime time = TimeZone::find(vector.writer_timezone).to_civil(vector.seconds[row]);
  append_format(out, "\"%04" PRId64 "-%02d-%02d %02d:%02d:%02d.", time.year, time.month, time.day,
                time.hour, time.minute, time.second);
  // Nanoseconds without trailing zeros, at least one digit.
  char digits[10];
  std::snprintf(digits, sizeof(digits), "%09d", static_cast<int>(vector.nanos[row]));
  int length = 9;
  while (length > 1 && digits[length - 1] == '0') --length;
  out.append(digits, static_cast<std::size_t>(length));
  out += '"';
}

void append_value(const Type& type, const ColumnVector& vector, std::size_t row, std::string& out) {
  if (vector.is_null(row)) {
    out += "null";
    return;
  }
  switch (type.kind()) {
    case TypeKind::Boolean:
      out += static_cast<const LongVector&>(vector).values[row] ? "true" : "false";
      return;
    case TypeKind::Byte:
    case TypeKind::Short:
    case TypeKind::Int:
    case TypeKind::Long:
      out += std::to_string(static_cast<const LongVector&>(vector).values[row]);
      return;
    case TypeKind::Date:
      append_date(static_cast<const LongVector&>(vector).values[row], out);
      return;
    case TypeKind::Float:
      append_format(out, "%.7g", static_cast<const DoubleVector&>(vector).values[row]);
      return;
    case TypeKind::Double:
      append_format(out, "%.14g", static_cast<const DoubleVector&>(vector).values[row]);
      return;
    case TypeKind::String:
    case TypeKind::Varchar:
    case TypeKind::Char:
      append_quoted(static_cast<const BytesVector&>(vector).value(row), out);
      return;
    case TypeKind::Binary: {
      out += '[';
      const std::string_view bytes = static_cast<const BytesVector&>(vector).value(row);
      for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i > 0) out += ", ";
        out += std::to_string(static_cast<unsigned char>(bytes[i]));
      }
      out += ']';
      return;
    }
    case TypeKind::Decimal:
      if (const auto* narrow = dynamic_cast<const Decimal64Vector*>(&vector)) {
        append_decimal(narrow->values[row], narrow->scale, out);
      } else {
        const auto& wide = static_cast<const Decimal128Vector&>(vector);
        append_decimal(wide.values[row], wide.scale, out);
      }
      return;
    case TypeKind::Timestamp:
    case TypeKind::TimestampInstant:
      append_timestamp(static_cast<const TimestampVector&>(vector), row, out);
      return;
    case TypeKind::List: {
      const auto& list = static_cast<const ListVector&>(vector);
      out += '[';
      for (std::int64_t i = list.offsets[row]; i < list.offsets[row + 1]; ++i) {
        if (i > list.offsets[row]) out += ", ";
        append_value(type.child(0), *list.elements, static_cast<std::size_t>(i), out);
      }
      out += ']';
      return;
    }
    case TypeKind::Map: {
      const auto& map = static_cast<const MapVector&>(vector);
      out += '[';
      for (std::int64_t i = map.offsets[row]; i < map.offsets[row + 1]; ++i) {
        if (i > map.offsets[row]) out += ", ";
        out += "{\"key\": ";
        append_value(type.child(0), *map.keys, static_cast<std::size_t>(i), out);
        out += ", \"value\": ";
        append_value(type.child(1), *map.values, static_cast<std::size_t>(i), out);
        out += '}';
      }
      out += ']';
      return;
    }
    case TypeKind::Struct: {
      const auto& fields = static_cast<const StructVector&>(vector).fields;
      out += '{';
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ", ";
        append_quoted(type.field_names()[i], out);
        out += ": ";
        append_value(type.child(i), *fields[i], row, out);
      }
      out += '}';
      return;
    }
    case TypeKind::Union: {
      const auto& union_vector = static_cast<const UnionVector&>(vector);
      const std::uint8_t tag = union_vector.tags[row];
      out += "{\"tag\": " + std::to_string(tag) + ", \"value\": ";
      append_value(type.child(tag), *union_vector.children[tag],
                   static_cast<std::size_t>(union_vector.child_rows[row]), out);
      out += '}';
      return;
    }
  }
}

}  // namespace

void append_quoted(std::string_view bytes, std::string& out) {
  out += '"';
  for (const char c : bytes) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  out += '"';
}

void append_decimal(__int128 unscaled, std::uint32_t scale, std::string& out) {
  const bool negative = unscaled < 0;
  auto magnitude = negative ? ~static_cast<unsigned __int128>(unscaled) + 1
                            : static_cast<unsigned __int128>(unscaled);
  std::string digits;
  do {
    digits += static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0);
  while (digits.size() <= scale) digits += '0';  // at least one integer digit
  if (negative) out += '-';
  for (std::size_t i = digits.size(); i-- > scale;) out += digits[i];
  if (scale == 0) return;
  out += '.';
  for (std::size_t i = scale; i-- > 0;) out += digits[i];
}

void RowPrinter::append_row(const ColumnVector& batch, std::size_t row, std::string& out) const {
  append_value(type_, batch, row, out);
}

}  // namespace recis::orc

#include "recis/orc/csv_to_orc.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "recis/common/error.h"
#include "recis/orc/csv_reader.h"

namespace recis::orc {
namespace {

// Where a cell is, for error messages.
struct CellPlace {
  const CsvReader& reader;
  std::size_t column;  // 1-based
  const std::string& field;
};

[[noreturn]] void bad_cell(const CellPlace& place, std::string_view text, const Type& type,
                           const std::string& why = "") {
  throw ConfigError(place.reader.name() + " line " + std::to_string(place.reader.record_line()) +
                    " column " + std::to_string(place.column) + " (" + place.field + "): cannot read '" +
                    std::string(text) + "' as " + type.to_string() + (why.empty() ? "" : " (" + why + ")"));
}

std::int64_t parse_integer(std::string_view text, const Type& type, const CellPlace& place) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) bad_cell(place, text, type);
  return value;
}

bool equals_ignoring_case(std::string_view text, std::string_view lower) {
  return text.size() == lower.size() &&
         std::equal(text.begin(), text.end(), lower.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

bool parse_boolean(std::string_view text, const Type& type, const CellPlace& place) {
  if (text == "1" || equals_ignoring_case(text, "true")) return true;
  if (text == "0" || equals_ignoring_case(text, "false")) return false;
  bad_cell(place, text, type, "expected true, false, 1 or 0");
}

double parse_double(std::string_view text, const Type& type, const CellPlace& place) {
  // The common case without a copy; strtod decides the rest (hex, out of range, a leading '+').
  double fast = 0;
  const auto [fast_end, fast_error] = std::from_chars(text.data(), text.data() + text.size(), fast);
  if (fast_error == std::errc() && fast_end == text.data() + text.size()) return fast;
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || std::isspace(static_cast<unsigned char>(copy[0]))) {
    bad_cell(place, text, type);
  }
  return value;
}

__int128 parse_decimal(std::string_view text, const Type& type, const CellPlace& place) {
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  __int128 value = 0;
  int digits = 0;
  int fraction_digits = 0;
  bool seen_point = false;
  for (const char c : rest) {
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') bad_cell(place, text, type);
    if (++digits > 38) bad_cell(place, text, type, "more than 38 digits");
    value = value * 10 + (c - '0');
    if (seen_point) ++fraction_digits;
  }
  if (digits == 0) bad_cell(place, text, type);
  if (fraction_digits > static_cast<int>(type.scale())) {
    bad_cell(place, text, type, "more than " + std::to_string(type.scale()) + " fraction digits");
  }
  for (int i = fraction_digits; i < static_cast<int>(type.scale()); ++i) {
    if (++digits > 38) bad_cell(place, text, type, "more than 38 digits");
    value *= 10;
  }
  return negative ? -value : value;
}

// Reads an unsigned number of exactly `width` digits at text[at], advancing `at`.
bool read_digits(std::string_view text, std::size_t& at, std::size_t width, int& out) {
  if (at + width > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  at += width;
  return true;
}

// Days since 1970-01-01 of "YYYY-MM-DD" at text[at], advancing `at`; false if malformed.
bool read_date(std::string_view text, std::size_t& at, std::int64_t& days) {
  int year = 0, month = 0, day = 0;
  if (!read_digits(text, at, 4, year) || at >= text.size() || text[at++] != '-' ||
      !read_digits(text, at, 2, month) || at >= text.size() || text[at++] != '-' ||
      !read_digits(text, at, 2, day)) {
    return false;
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return false;
  days = std::chrono::sys_days(date).time_since_epoch().count();
  return true;
}

std::int64_t parse_date(std::string_view text, const Type& type, const CellPlace& place) {
  std::size_t at = 0;
  std::int64_t days = 0;
  if (!read_date(text, at, days) || at != text.size()) bad_cell(place, text, type, "expected YYYY-MM-DD");
  return days;
}

void parse_timestamp(std::string_view text, const Type& type, const CellPlace& place,
                     std::int64_t& seconds, std::int32_t& nanos) {
  std::size_t at = 0;
  std::int64_t days = 0;
  int hour = 0, minute = 0, second = 0;
  const bool ok = read_date(text, at, days) && at < text.size() &&
                  (text[at] == ' ' || text[at] == 'T') && read_digits(text, ++at, 2, hour) &&
                  at < text.size() && text[at++] == ':' && read_digits(text, at, 2, minute) &&
                  at < text.size() && text[at++] == ':' && read_digits(text, at, 2, second) &&
                  hour < 24 && minute < 60 && second < 60;
  if (!ok) bad_cell(place, text, type, "expected YYYY-MM-DD HH:MM:SS[.fraction]");
  nanos = 0;
  if (at < text.size()) {
    if (text[at++] != '.' || at == text.size() || text.size() - at > 9) {
      bad_cell(place, text, type, "expected up to 9 fraction digits after '.'");
    }
    int scale = 1'000'000'000;
    for (; at < text.size(); ++at) {
      if (text[at] < '0' || text[at] > '9') bad_cell(place, text, type);
      scale /= 10;
      nanos += (text[at] - '0') * scale;
    }
  }
  seconds = days * 86400 + hour * 3600 + minute * 60 + second;
}

void append_cell(const Type& type, std::string_view text, bool is_null, ColumnVector& vector,
                 const CellPlace& place);

// list<T> and map<K,V> cells: ';'-separated elements, map entries split at the first ':'.
void append_collection(const Type& type, std::string_view text, ColumnVector& vector,
                       const CellPlace& place) {
  const bool is_map = type.kind() == TypeKind::Map;
  std::vector<std::int64_t>& offsets =
      is_map ? static_cast<MapVector&>(vector).offsets : static_cast<ListVector&>(vector).offsets;
  std::int64_t count = 0;
  if (!text.empty()) {
    std::size_t start = 0;
    while (true) {
      const std::size_t end = std::min(text.find(';', start), text.size());
      const std::string_view element = text.substr(start, end - start);
      if (is_map) {
        const std::size_t colon = element.find(':');
        if (colon == std::string_view::npos) bad_cell(place, text, type, "map entry without ':'");
        const std::string_view key = element.substr(0, colon);
        const std::string_view value = element.substr(colon + 1);
        auto& map = static_cast<MapVector&>(vector);
        append_cell(type.child(0), key, key.empty(), *map.keys, place);
        append_cell(type.child(1), value, value.empty(), *map.values, place);
      } else {
        append_cell(type.child(0), element, element.empty(), *static_cast<ListVector&>(vector).elements, place);
      }
      ++count;
      if (end == text.size()) break;
      start = end + 1;
    }
  }
  offsets.push_back(offsets.back() + count);
}

void append_cell(const Type& type, std::string_view text, bool is_null, ColumnVector& vector,
                 const CellPlace& place) {
  switch (type.kind()) {
    case TypeKind::Boolean:
    case TypeKind::Byte:
    case TypeKind::Short:
    case TypeKind::Int:
    case TypeKind::Long:
    case TypeKind::Date: {
      std::int64_t value = 0;
      if (!is_null) {
        if (type.kind() == TypeKind::Boolean) {
          value = parse_boolean(text, type, place) ? 1 : 0;
        } else if (type.kind() == TypeKind::Date) {
          value = parse_date(text, type, place);
        } else {
          value = parse_integer(text, type, place);
          const int bits = type.kind() == TypeKind::Byte ? 8 : type.kind() == TypeKind::Short ? 16
                           : type.kind() == TypeKind::Int ? 32 : 64;
          if (bits < 64 && (value < -(std::int64_t{1} << (bits - 1)) || value >= (std::int64_t{1} << (bits - 1)))) {
            bad_cell(place, text, type, "out of range");
          }
        }
      }
      static_cast<LongVector&>(vector).values.push_back(value);
      break;
    }
    case TypeKind::Float:
    case TypeKind::Double: {
      double value = is_null ? 0 : parse_double(text, type, place);
      if (type.kind() == TypeKind::Float) value = static_cast<float>(value);
      static_cast<DoubleVector&>(vector).values.push_back(value);
      break;
    }
    case TypeKind::String:
    case TypeKind::Varchar:
    case TypeKind::Char:
    case TypeKind::Binary: {
      auto& strings = static_cast<BytesVector&>(vector);
      if (!is_null) strings.bytes.insert(strings.bytes.end(), text.begin(), text.end());
      strings.offsets.push_back(static_cast<std::int64_t>(strings.bytes.size()));
      break;
    }
    case TypeKind::Decimal: {
      const __int128 value = is_null ? 0 : parse_decimal(text, type, place);
      if (auto* narrow = dynamic_cast<Decimal64Vector*>(&vector)) {
        if (value > 999'999'999'999'999'999 || value < -999'999'999'999'999'999) {
          bad_cell(place, text, type, "too many digits");
        }
        narrow->values.push_back(static_cast<std::int64_t>(value));
      } else {
        static_cast<Decimal128Vector&>(vector).values.push_back(value);
      }
      break;
    }
    case TypeKind::Timestamp:
    case TypeKind::TimestampInstant: {
      std::int64_t seconds = 0;
      std::int32_t nanos = 0;
      if (!is_null) parse_timestamp(text, type, place, seconds, nanos);
      auto& timestamps = static_cast<TimestampVector&>(vector);
      timestamps.seconds.push_back(seconds);
      timestamps.nanos.push_back(nanos);
      break;
    }
    case TypeKind::List:
    case TypeKind::Map:
      append_collection(type, is_null ? std::string_view() : text, vector, place);
      break;
    case TypeKind::Struct:
    case TypeKind::Union:
      bad_cell(place, text, type, "structs and unions have no CSV syntax");
  }
  vector.append_presence(!is_null);
}

// Throws ConfigError unless every CSV column has a CSV syntax.
void check_schema(const Type& schema) {
  if (schema.kind() != TypeKind::Struct) {
    throw ConfigError("from-csv needs a struct<...> schema (one field per CSV column), got " +
                      schema.to_string());
  }
  for (std::size_t i = 0; i < schema.num_children(); ++i) {
    const Type& field = schema.child(i);
    const bool collection = field.kind() == TypeKind::List || field.kind() == TypeKind::Map;
    for (const Type& element : collection ? field.children() : std::vector<Type>{field}) {
      if (!is_primitive(element.kind())) {
        throw ConfigError("from-csv: column '" + schema.field_names()[i] + "' has type " +
                          field.to_string() +
                          "; CSV cells hold primitives and lists or maps of primitives");
      }
    }
  }
}

}  // namespace

CsvBatchReader::CsvBatchReader(std::istream& input, std::string input_name, const Type& schema,
                               bool header)
    : schema_(schema), input_name_(std::move(input_name)),
      reader_(std::make_unique<CsvReader>(input, input_name_)) {
  check_schema(schema);
  if (header) reader_->next(fields_);
}

CsvBatchReader::~CsvBatchReader() = default;

std::size_t CsvBatchReader::next(ColumnVector& batch, std::size_t max_rows) {
  batch.clear();
  auto& root = static_cast<StructVector&>(batch);
  std::size_t rows = 0;
  while (rows < max_rows && reader_->next(fields_)) {
    if (fields_.size() != schema_.num_children()) {
      throw ConfigError(input_name_ + " line " + std::to_string(reader_->record_line()) + ": " +
                        std::to_string(fields_.size()) + " columns, the schema has " +
                        std::to_string(schema_.num_children()));
    }
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      const CellPlace place{*reader_, i + 1, schema_.field_names()[i]};
      const bool is_null = fields_[i].text.empty() && !fields_[i].quoted;
      append_cell(schema_.child(i), fields_[i].text, is_null, *root.fields[i], place);
    }
    ++root.num_rows;
    ++rows;
  }
  return rows;
}

std::uint64_t csv_to_orc(std::istream& input, const std::string& input_name,
                         const std::filesystem::path& output, const Type& schema,
                         const CsvToOrcOptions& options) {
  CsvBatchReader batches(input, input_name, schema, options.header);
  Writer writer(output, schema, options.writer);
  auto batch = make_column_vector(schema);
  std::uint64_t rows = 0;
  while (const std::size_t read = batches.next(*batch, options.batch_rows)) {
    writer.add(*batch);
    rows += read;
  }
  writer.close();
  return rows;
}

}  // namespace recis::orc

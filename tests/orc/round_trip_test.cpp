// Writer -> reader round trips: random batches of every ORC type, with nulls at every level,
// empty strings and lists, written with every codec, both format versions (RLEv1 / RLEv2) and
// both string encodings, through tiny compression blocks (values straddle chunks), small stripes
// (many stripes) and small row groups; then read back with recis::orc::Reader and compared row
// by row as text (exact: doubles in hex, decimals as digits). Also a 0-row file and the
// statistics the reader sees against statistics computed here.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "recis/orc/column_statistics.h"
#include "recis/orc/column_vector.h"
#include "recis/orc/decompressor.h"
#include "recis/orc/reader.h"
#include "recis/orc/writer.h"
#include "support/test_support.h"

namespace recis::orc {
namespace {

using recis::testing::TempDir;

constexpr char kAllTypes[] =
    "struct<b:boolean,t:tinyint,s:smallint,i:int,l:bigint,f:float,d:double,str:string,"
    "word:string,c:char(5),v:varchar(10),bin:binary,d64:decimal(18,4),d128:decimal(38,10),"
    "dt:date,ts:timestamp,li:array<bigint>,m:map<string,double>,"
    "st:struct<x:int,y:array<string>>,u:uniontype<int,string>,ll:array<array<int>>>";

// Appends one row's value of `vector` (of `type`) as text: exact, layout-independent.
void append_text(const Type& type, const ColumnVector& vector, std::size_t row, std::string& out) {
  if (vector.is_null(row)) {
    out += "null";
    return;
  }
  char buffer[64];
  switch (type.kind()) {
    case TypeKind::Boolean:
    case TypeKind::Byte:
    case TypeKind::Short:
    case TypeKind::Int:
    case TypeKind::Long:
    case TypeKind::Date:
      out += std::to_string(static_cast<const LongVector&>(vector).values[row]);
      return;
    case TypeKind::Float:
    case TypeKind::Double:
      std::snprintf(buffer, sizeof(buffer), "%a", static_cast<const DoubleVector&>(vector).values[row]);
      out += buffer;
      return;
    case TypeKind::String:
    case TypeKind::Varchar:
    case TypeKind::Char:
    case TypeKind::Binary:
      out += '"';
      out += static_cast<const BytesVector&>(vector).value(row);
      out += '"';
      return;
    case TypeKind::Decimal:
      if (const auto* narrow = dynamic_cast<const Decimal64Vector*>(&vector)) {
        out += decimal_to_string(narrow->values[row], narrow->scale);
      } else {
        const auto& wide = static_cast<const Decimal128Vector&>(vector);
        out += decimal_to_string(wide.values[row], wide.scale);
      }
      return;
    case TypeKind::Timestamp:
    case TypeKind::TimestampInstant: {
      const auto& ts = static_cast<const TimestampVector&>(vector);
      out += std::to_string(ts.seconds[row]) + "s" + std::to_string(ts.nanos[row]) + "ns";
      return;
    }
    case TypeKind::List: {
      const auto& list = static_cast<const ListVector&>(vector);
      out += '[';
      for (auto i = list.offsets[row]; i < list.offsets[row + 1]; ++i) {
        if (i > list.offsets[row]) out += ',';
        append_text(type.child(0), *list.elements, static_cast<std::size_t>(i), out);
      }
      out += ']';
      return;
    }
    case TypeKind::Map: {
      const auto& map = static_cast<const MapVector&>(vector);
      out += '{';
      for (auto i = map.offsets[row]; i < map.offsets[row + 1]; ++i) {
        if (i > map.offsets[row]) out += ',';
        append_text(type.child(0), *map.keys, static_cast<std::size_t>(i), out);
        out += ':';
        append_text(type.child(1), *map.values, static_cast<std::size_t>(i), out);
      }
      out += '}';
      return;
    }
    case TypeKind::Struct: {
      const auto& fields = static_cast<const StructVector&>(vector).fields;
      out += '(';
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ',';
        append_text(type.child(i), *fields[i], row, out);
      }
      out += ')';
      return;
    }
    case TypeKind::Union: {
      const auto& u = static_cast<const UnionVector&>(vector);
      const std::uint8_t tag = u.tags[row];
      out += "<" + std::to_string(tag) + ":";
      append_text(type.child(tag), *u.children[tag], static_cast<std::size_t>(u.child_rows[row]), out);
      out += '>';
      return;
    }
  }
}

// Fills `vector` with `rows` random rows of `type`; `depth` lowers the null rate of nested rows.
class RandomBatch {
 public:
  explicit RandomBatch(std::uint64_t seed) : rng_(seed) {}

  void fill(const Type& type, ColumnVector& vector, std::size_t rows) {
    vector.num_rows = rows;
    vector.present.assign(rows, 1);
    bool any_null = false;
    for (std::size_t row = 0; row < rows; ++row) {
      if (chance(8)) {
        vector.present[row] = 0;
        any_null = true;
      }
    }
    if (!any_null && !chance(2)) vector.present.clear();  // sometimes no mask at all
    fill_values(type, vector, rows);
  }

 private:
  bool chance(int one_in) { return rng_() % static_cast<unsigned>(one_in) == 0; }
  std::int64_t uniform(std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(rng_);
  }
  std::string text(std::size_t max_length, bool small_alphabet) {
    std::string s(static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(max_length))), ' ');
    for (char& c : s) c = small_alphabet ? static_cast<char>('a' + uniform(0, 1)) : static_cast<char>(uniform(0, 255));
    return s;
  }
  // Integers mixing runs, steps and outliers so every RLE sub-encoding shows up.
  std::int64_t integer(std::int64_t low, std::int64_t high) {
    last_integer_ = std::clamp(last_integer_, low, high);  // the previous column's range may differ
    if (chance(3)) return last_integer_;
    if (chance(3)) return last_integer_ = last_integer_ < high ? last_integer_ + 1 : low;
    if (chance(20)) return last_integer_ = chance(2) ? low : high;
    return last_integer_ = chance(4) ? uniform(low, high) : uniform(std::max<std::int64_t>(low, -100), std::min<std::int64_t>(high, 100));
  }

  void fill_values(const Type& type, ColumnVector& vector, std::size_t rows) {
    switch (type.kind()) {
      case TypeKind::Boolean:
      case TypeKind::Byte:
      case TypeKind::Short:
      case TypeKind::Int:
      case TypeKind::Long:
      case TypeKind::Date: {
        auto& values = static_cast<LongVector&>(vector).values;
        const std::int64_t bound = type.kind() == TypeKind::Boolean ? 1
                                   : type.kind() == TypeKind::Byte  ? 127
                                   : type.kind() == TypeKind::Short ? 32767
                                   : type.kind() == TypeKind::Long  ? std::numeric_limits<std::int64_t>::max()
                                                                    : 2147483647;
        const std::int64_t low = type.kind() == TypeKind::Boolean ? 0 : -bound - (type.kind() == TypeKind::Long ? 0 : 1);
        for (std::size_t i = 0; i < rows; ++i) values.push_back(integer(type.kind() == TypeKind::Long ? std::numeric_limits<std::int64_t>::min() : low, bound));
        return;
      }
      case TypeKind::Float:
      case TypeKind::Double: {
        auto& values = static_cast<DoubleVector&>(vector).values;
        for (std::size_t i = 0; i < rows; ++i) {
          double value = std::ldexp(static_cast<double>(uniform(-1000000, 1000000)), static_cast<int>(uniform(-30, 30)));
          if (chance(50)) value = chance(2) ? -0.0 : std::numeric_limits<double>::infinity();
          values.push_back(type.kind() == TypeKind::Float ? static_cast<double>(static_cast<float>(value)) : value);
        }
        return;
      }
      case TypeKind::String:
      case TypeKind::Varchar:
      case TypeKind::Char:
      case TypeKind::Binary: {
        auto& strings = static_cast<BytesVector&>(vector);
        const bool small_alphabet = type.kind() != TypeKind::Binary && type.kind() != TypeKind::String;
        const std::size_t max_length = type.kind() == TypeKind::Char ? 5 : type.kind() == TypeKind::Varchar ? 3 : 12;
        for (std::size_t i = 0; i < rows; ++i) {
          std::string value = text(max_length, small_alphabet);
          if (type.kind() == TypeKind::Char) value.resize(max_length, ' ');  // char(n) is padded
          strings.bytes.insert(strings.bytes.end(), value.begin(), value.end());
          strings.offsets.push_back(static_cast<std::int64_t>(strings.bytes.size()));
        }
        return;
      }
      case TypeKind::Decimal: {
        if (auto* narrow = dynamic_cast<Decimal64Vector*>(&vector)) {
          for (std::size_t i = 0; i < rows; ++i) narrow->values.push_back(integer(-999999999999999999, 999999999999999999));
        } else {
          auto& wide = static_cast<Decimal128Vector&>(vector);
          for (std::size_t i = 0; i < rows; ++i) {
            __int128 value = static_cast<__int128>(integer(-999999999999999999, 999999999999999999)) * 100000000000000000LL;
            if (chance(2)) value += uniform(0, 99999999999999999LL);
            wide.values.push_back(value);
          }
        }
        return;
      }
      case TypeKind::Timestamp:
      case TypeKind::TimestampInstant: {
        auto& ts = static_cast<TimestampVector&>(vector);
        for (std::size_t i = 0; i < rows; ++i) {
          std::int64_t seconds = uniform(-3'000'000'000, 4'000'000'000);
          const auto nanos = static_cast<std::int32_t>(chance(2) ? uniform(0, 999) * 1'000'000 : uniform(0, 999'999'999));
          // A second of -1 with a fraction is ambiguous in ORC (readers cannot undo the writer's
          // adjustment); Apache ORC has the same limitation.
          if (seconds == -1) seconds = -2;
          ts.seconds.push_back(seconds);
          ts.nanos.push_back(nanos);
        }
        return;
      }
      case TypeKind::List:
      case TypeKind::Map: {
        std::vector<std::int64_t>& offsets = type.kind() == TypeKind::List ? static_cast<ListVector&>(vector).offsets : static_cast<MapVector&>(vector).offsets;
        for (std::size_t i = 0; i < rows; ++i) {
          const std::int64_t length = vector.is_null(i) ? 0 : uniform(0, 4);
          offsets.push_back(offsets.back() + length);
        }
        const auto children = static_cast<std::size_t>(offsets.back());
        if (type.kind() == TypeKind::List) {
          fill(type.child(0), *static_cast<ListVector&>(vector).elements, children);
        } else {
          fill(type.child(0), *static_cast<MapVector&>(vector).keys, children);
          fill(type.child(1), *static_cast<MapVector&>(vector).values, children);
        }
        return;
      }
      case TypeKind::Struct: {
        auto& fields = static_cast<StructVector&>(vector).fields;
        for (std::size_t i = 0; i < fields.size(); ++i) fill(type.child(i), *fields[i], rows);
        return;
      }
      case TypeKind::Union: {
        auto& u = static_cast<UnionVector&>(vector);
        std::vector<std::size_t> counts(type.num_children(), 0);
        for (std::size_t i = 0; i < rows; ++i) {
          const auto tag = static_cast<std::uint8_t>(uniform(0, static_cast<std::int64_t>(type.num_children()) - 1));
          u.tags.push_back(tag);
          u.child_rows.push_back(static_cast<std::int64_t>(counts[tag]));
          if (!vector.is_null(i)) ++counts[tag];
        }
        for (std::size_t c = 0; c < counts.size(); ++c) fill(type.child(c), *u.children[c], counts[c]);
        return;
      }
    }
  }

  std::mt19937_64 rng_;
  std::int64_t last_integer_ = 0;
};

std::vector<std::string> rows_as_text(const Type& type, const ColumnVector& vector) {
  std::vector<std::string> rows;
  for (std::size_t row = 0; row < vector.num_rows; ++row) {
    rows.emplace_back();
    append_text(type, vector, row, rows.back());
  }
  return rows;
}

std::vector<std::string> read_back(const std::filesystem::path& path, std::size_t batch_rows) {
  auto reader = Reader::open(path);
  auto batch = reader->make_batch();
  std::vector<std::string> rows;
  while (reader->next(*batch, batch_rows) > 0) {
    for (auto& row : rows_as_text(reader->selected_type(), *batch)) rows.push_back(std::move(row));
  }
  return rows;
}

struct RoundTripCase {
  proto::CompressionKind compression;
  FileVersion version;
  double dictionary_key_ratio;  // 0: always direct, 1: always dictionary
};

std::string case_name(const ::testing::TestParamInfo<RoundTripCase>& info) {
  return std::string(compression_name(info.param.compression)) +
         (info.param.version == FileVersion::V0_11 ? "_v011" : "_v012") +
         (info.param.dictionary_key_ratio == 0 ? "_direct" : "_dictionary");
}

class RoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(RoundTripTest, EveryTypeReadsBackAsWritten) {
  const RoundTripCase& param = GetParam();
  TempDir dir;
  const Type schema = Type::parse(kAllTypes);
  WriterOptions options;
  options.compression = param.compression;
  options.version = param.version;
  options.dictionary_key_ratio = param.dictionary_key_ratio;
  options.compression_block_size = 61;  // tiny chunks: values straddle them
  options.stripe_size = 40'000;         // several stripes
  options.row_index_stride = 700;

  RandomBatch random(static_cast<std::uint64_t>(param.compression) * 10 + (param.version == FileVersion::V0_11));
  std::vector<std::string> expected;
  {
    Writer writer(dir / "all.orc", schema, options);
    for (std::size_t rows : {1000u, 1u, 0u, 2500u, 300u}) {
      auto batch = make_column_vector(schema);
      random.fill(schema, *batch, rows);
      writer.add(*batch);
      for (auto& row : rows_as_text(schema, *batch)) expected.push_back(std::move(row));
    }
    writer.close();
  }
  auto reader = Reader::open(dir / "all.orc");
  EXPECT_EQ(reader->num_rows(), expected.size());
  EXPECT_GT(reader->num_stripes(), 1u);
  const std::vector<std::string> actual = read_back(dir / "all.orc", 333);
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t row = 0; row < expected.size(); ++row) {
    ASSERT_EQ(actual[row], expected[row]) << "row " << row;
  }
}

INSTANTIATE_TEST_SUITE_P(
    CodecsVersionsEncodings, RoundTripTest,
    ::testing::ValuesIn([] {
      std::vector<RoundTripCase> cases;
      for (auto codec : {proto::NONE, proto::ZLIB, proto::SNAPPY, proto::LZO, proto::LZ4,
                         proto::ZSTD}) {
        for (auto version : {FileVersion::V0_11, FileVersion::V0_12}) {
          for (double ratio : {0.0, 1.0}) cases.push_back({codec, version, ratio});
        }
      }
      return cases;
    }()),
    case_name);

TEST(RoundTripTest, ZeroRowFileReadsAsEmpty) {
  TempDir dir;
  const Type schema = Type::parse(kAllTypes);
  {
    Writer writer(dir / "empty.orc", schema);
    writer.close();
  }
  auto reader = Reader::open(dir / "empty.orc");
  EXPECT_EQ(reader->num_rows(), 0u);
  EXPECT_EQ(reader->num_stripes(), 0u);
  EXPECT_EQ(reader->schema(), schema);
  auto batch = reader->make_batch();
  EXPECT_EQ(reader->next(*batch, 100), 0u);
}

TEST(RoundTripTest, StatisticsSeenByTheReaderMatchTheValues) {
  TempDir dir;
  const Type schema = Type::parse("struct<x:int,name:string,when:timestamp,price:decimal(10,2),ok:boolean>");
  auto batch = make_column_vector(schema);
  auto& root = static_cast<StructVector&>(*batch);
  auto& x = static_cast<LongVector&>(*root.fields[0]);
  auto& name = static_cast<BytesVector&>(*root.fields[1]);
  auto& when = static_cast<TimestampVector&>(*root.fields[2]);
  auto& price = static_cast<Decimal64Vector&>(*root.fields[3]);
  auto& ok = static_cast<LongVector&>(*root.fields[4]);
  const std::vector<std::string> names = {"pear", "apple", "", "zucchini"};
  for (int i = 0; i < 4; ++i) {
    x.values.push_back(i * 10 - 15);
    name.bytes.insert(name.bytes.end(), names[i].begin(), names[i].end());
    name.offsets.push_back(static_cast<std::int64_t>(name.bytes.size()));
    when.seconds.push_back(1'700'000'000 + i);
    when.nanos.push_back(i * 250'000'000);
    price.values.push_back(i == 2 ? -1999 : 12345 * i);
    ok.values.push_back(i % 2);
  }
  ok.present = {1, 1, 0, 1};
  for (auto* column : {static_cast<ColumnVector*>(&x), static_cast<ColumnVector*>(&name),
                       static_cast<ColumnVector*>(&when), static_cast<ColumnVector*>(&price),
                       static_cast<ColumnVector*>(&ok), static_cast<ColumnVector*>(&root)}) {
    column->num_rows = 4;
  }
  {
    Writer writer(dir / "stats.orc", schema);
    writer.add(*batch);
    writer.close();
  }
  auto reader = Reader::open(dir / "stats.orc");
  const auto& stats = reader->tail().footer().statistics();
  ASSERT_EQ(stats.size(), 6);
  EXPECT_EQ(stats[1].int_statistics().minimum(), -15);
  EXPECT_EQ(stats[1].int_statistics().maximum(), 15);
  EXPECT_EQ(stats[1].int_statistics().sum(), 0);
  EXPECT_EQ(stats[2].string_statistics().minimum(), "");
  EXPECT_EQ(stats[2].string_statistics().maximum(), "zucchini");
  EXPECT_EQ(stats[2].string_statistics().sum(), 17);
  EXPECT_EQ(stats[3].timestamp_statistics().minimum_utc(), 1'700'000'000'000);
  EXPECT_EQ(stats[3].timestamp_statistics().maximum_utc(), 1'700'000'003'750);
  EXPECT_EQ(stats[4].decimal_statistics().minimum(), "-19.99");
  EXPECT_EQ(stats[4].decimal_statistics().maximum(), "370.35");
  EXPECT_EQ(stats[4].decimal_statistics().sum(), "473.81");
  EXPECT_EQ(stats[5].number_of_values(), 3u);
  EXPECT_TRUE(stats[5].has_null());
  ASSERT_EQ(stats[5].bucket_statistics().count_size(), 1);
  EXPECT_EQ(stats[5].bucket_statistics().count(0), 2u);  // true values
  const proto::Metadata metadata = reader->read_metadata();
  ASSERT_EQ(metadata.stripe_stats_size(), 1);
  EXPECT_EQ(metadata.stripe_stats(0).col_stats(1).int_statistics().sum(), 0);
}

}  // namespace
}  // namespace recis::orc

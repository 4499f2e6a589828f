// The ORC writer checked without our reader: the file tail, stripe footers and row indexes are
// parsed here straight from the bytes (protobuf, plus raw inflate for zlib files) and compared
// with what was written: row counts, statistics computed independently, encodings, positions,
// the UTC writer time zone. Also the temporary-file-and-rename protocol and the errors a user
// gets for bad batches.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "recis/common/error.h"
#include "recis/orc/boolean_decoder.h"
#include "recis/orc/column_vector.h"
#include "recis/orc/int_decoder.h"
#include "recis/orc/writer.h"
#include "support/test_support.h"

namespace recis::orc {
namespace {

using recis::testing::TempDir;

// Undoes ORC's chunking: NONE as is, ZLIB chunks inflated with zlib (raw deflate).
std::string decode_section(std::string_view bytes, proto::CompressionKind kind) {
  if (kind == proto::NONE) return std::string(bytes);
  EXPECT_EQ(kind, proto::ZLIB) << "the test decodes only zlib";
  std::string out;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const auto* h = reinterpret_cast<const unsigned char*>(bytes.data() + at);
    const std::uint32_t header = h[0] | (h[1] << 8) | (h[2] << 16);
    const std::size_t length = header >> 1;
    const std::string_view chunk = bytes.substr(at + 3, length);
    if (header & 1) {
      out.append(chunk);
    } else {
      z_stream stream{};
      inflateInit2(&stream, -15);
      std::string buffer(1 << 20, '\0');
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
      stream.avail_in = static_cast<uInt>(chunk.size());
      stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
      stream.avail_out = static_cast<uInt>(buffer.size());
      EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
      buffer.resize(buffer.size() - stream.avail_out);
      inflateEnd(&stream);
      out += buffer;
    }
    at += 3 + length;
  }
  return out;
}

struct ParsedFile {
  std::string bytes;
  proto::PostScript postscript;
  proto::Footer footer;
  proto::Metadata metadata;

  std::string section(std::uint64_t offset, std::uint64_t length) const {
    return decode_section(std::string_view(bytes).substr(offset, length), postscript.compression());
  }
  proto::StripeFooter stripe_footer(int stripe) const {
    const auto& info = footer.stripes(stripe);
    proto::StripeFooter out;
    EXPECT_TRUE(out.ParseFromString(
        section(info.offset() + info.index_length() + info.data_length(), info.footer_length())));
    return out;
  }
  // The ROW_INDEX stream of `column` in `stripe`.
  proto::RowIndex row_index(int stripe, std::uint32_t column) const {
    const auto& info = footer.stripes(stripe);
    std::uint64_t offset = info.offset();
    const proto::StripeFooter footer_of_stripe = stripe_footer(stripe);
    for (const auto& stream : footer_of_stripe.streams()) {
      if (stream.kind() == proto::Stream::ROW_INDEX && stream.column() == column) {
        proto::RowIndex index;
        EXPECT_TRUE(index.ParseFromString(section(offset, stream.length())));
        return index;
      }
      offset += stream.length();
    }
    ADD_FAILURE() << "no row index for column " << column;
    return {};
  }
};

ParsedFile parse(const std::filesystem::path& path) {
  ParsedFile file;
  file.bytes = recis::testing::read_file(path);
  EXPECT_EQ(file.bytes.substr(0, 3), "ORC");
  const std::size_t ps_length = static_cast<unsigned char>(file.bytes.back());
  const std::size_t ps_offset = file.bytes.size() - 1 - ps_length;
  EXPECT_TRUE(file.postscript.ParseFromString(file.bytes.substr(ps_offset, ps_length)));
  const std::size_t footer_offset = ps_offset - file.postscript.footer_length();
  EXPECT_TRUE(file.footer.ParseFromString(file.section(footer_offset, file.postscript.footer_length())));
  EXPECT_TRUE(file.metadata.ParseFromString(file.section(
      footer_offset - file.postscript.metadata_length(), file.postscript.metadata_length())));
  return file;
}

// struct<id:bigint,city:string> with ids 0..rows-1 (every 7th null) and 5 distinct cities.
std::unique_ptr<ColumnVector> id_city_batch(const Type& schema, std::int64_t first, std::size_t rows) {
  auto batch = make_column_vector(schema);
  auto& root = static_cast<StructVector&>(*batch);
  auto& ids = static_cast<LongVector&>(*root.fields[0]);
  auto& cities = static_cast<BytesVector&>(*root.fields[1]);
  static const char* kCities[] = {"Hangzhou", "Beijing", "", "Shanghai", "Shenzhen"};
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int64_t id = first + static_cast<std::int64_t>(i);
    ids.values.push_back(id);
    ids.present.push_back(id % 7 == 0 ? 0 : 1);
    const std::string city = kCities[id % 5];
    cities.bytes.insert(cities.bytes.end(), city.begin(), city.end());
    cities.offsets.push_back(static_cast<std::int64_t>(cities.bytes.size()));
  }
  ids.num_rows = cities.num_rows = root.num_rows = rows;
  return batch;
}

class WriterTailTest : public ::testing::TestWithParam<proto::CompressionKind> {};

TEST_P(WriterTailTest, FooterStatisticsAndIndexMatchTheRowsWritten) {
  TempDir dir;
  const Type schema = Type::parse("struct<id:bigint,city:string>");
  constexpr std::size_t kRows = 25000;
  {
    Writer writer(dir / "t.orc", schema,
                  WriterOptions().with_compression(GetParam()).with_block_size(1000));
    writer.add(*id_city_batch(schema, 0, 12000));
    writer.add(*id_city_batch(schema, 12000, kRows - 12000));
    writer.close();
  }
  const ParsedFile file = parse(dir / "t.orc");
  EXPECT_EQ(file.postscript.magic(), "ORC");
  EXPECT_EQ(file.postscript.compression(), GetParam());
  ASSERT_EQ(file.postscript.version_size(), 2);
  EXPECT_EQ(file.postscript.version(1), 12);
  EXPECT_EQ(file.postscript.writer_version(), 6u);
  EXPECT_EQ(file.footer.number_of_rows(), kRows);
  EXPECT_EQ(file.footer.row_index_stride(), 10000u);
  ASSERT_EQ(file.footer.types_size(), 3);
  EXPECT_EQ(file.footer.types(0).kind(), proto::Type::STRUCT);
  EXPECT_EQ(file.footer.types(1).kind(), proto::Type::LONG);
  EXPECT_EQ(file.footer.types(2).kind(), proto::Type::STRING);
  ASSERT_EQ(file.footer.stripes_size(), 1);
  EXPECT_EQ(file.footer.stripes(0).number_of_rows(), kRows);
  EXPECT_EQ(file.footer.stripes(0).offset(), 3u);
  EXPECT_EQ(file.footer.content_length(),
            3 + file.footer.stripes(0).index_length() + file.footer.stripes(0).data_length() +
                file.footer.stripes(0).footer_length());

  // Statistics computed here from the same rows.
  std::int64_t min = std::numeric_limits<std::int64_t>::max(), max = 0, sum = 0;
  std::uint64_t count = 0, city_bytes = 0;
  static const std::size_t kCityLength[] = {8, 7, 0, 8, 8};
  for (std::int64_t id = 0; id < static_cast<std::int64_t>(kRows); ++id) {
    city_bytes += kCityLength[id % 5];
    if (id % 7 == 0) continue;
    min = std::min(min, id);
    max = std::max(max, id);
    sum += id;
    ++count;
  }
  const auto& id_stats = file.footer.statistics(1);
  EXPECT_EQ(id_stats.number_of_values(), count);
  EXPECT_TRUE(id_stats.has_null());
  EXPECT_EQ(id_stats.int_statistics().minimum(), min);
  EXPECT_EQ(id_stats.int_statistics().maximum(), max);
  EXPECT_EQ(id_stats.int_statistics().sum(), sum);
  const auto& city_stats = file.footer.statistics(2);
  EXPECT_EQ(city_stats.number_of_values(), kRows);
  EXPECT_FALSE(city_stats.has_null());
  EXPECT_EQ(city_stats.string_statistics().minimum(), "");
  EXPECT_EQ(city_stats.string_statistics().maximum(), "Shenzhen");
  EXPECT_EQ(city_stats.string_statistics().sum(), static_cast<std::int64_t>(city_bytes));
  EXPECT_EQ(file.footer.statistics(0).number_of_values(), kRows);

  ASSERT_EQ(file.metadata.stripe_stats_size(), 1);
  EXPECT_EQ(file.metadata.stripe_stats(0).col_stats(1).int_statistics().sum(), sum);

  const proto::StripeFooter stripe = file.stripe_footer(0);
  EXPECT_EQ(stripe.writer_timezone(), "UTC");
  ASSERT_EQ(stripe.columns_size(), 3);
  EXPECT_EQ(stripe.columns(1).kind(), proto::ColumnEncoding::DIRECT_V2);
  EXPECT_EQ(stripe.columns(2).kind(), proto::ColumnEncoding::DICTIONARY_V2);
  EXPECT_EQ(stripe.columns(2).dictionary_size(), 5u);
  // The id column has nulls: PRESENT + DATA; the city column none: no PRESENT stream.
  int id_present = 0, city_present = 0;
  for (const auto& stream : stripe.streams()) {
    if (stream.kind() == proto::Stream::PRESENT) (stream.column() == 1 ? id_present : city_present)++;
  }
  EXPECT_EQ(id_present, 1);
  EXPECT_EQ(city_present, 0);

  // Row groups of 10000, 10000 and 5000 rows; positions per stream as the spec lays them out.
  const bool compressed = GetParam() != proto::NONE;
  const proto::RowIndex ids = file.row_index(0, 1);
  ASSERT_EQ(ids.entry_size(), 3);
  std::uint64_t last_group_values = 0;
  for (int id = 20000; id < 25000; ++id) last_group_values += id % 7 != 0;
  EXPECT_EQ(ids.entry(2).statistics().number_of_values(), last_group_values);
  EXPECT_TRUE(ids.entry(2).statistics().has_null());
  // PRESENT (boolean: 3 or 4 numbers) + DATA (RLE: 2 or 3 numbers).
  EXPECT_EQ(ids.entry(0).positions_size(), compressed ? 7 : 5);
  for (int p = 0; p < ids.entry(0).positions_size(); ++p) EXPECT_EQ(ids.entry(0).positions(p), 0u);
  const proto::RowIndex cities = file.row_index(0, 2);
  ASSERT_EQ(cities.entry_size(), 3);
  EXPECT_EQ(cities.entry(1).statistics().number_of_values(), 10000u);
  // Dictionary: DATA positions only (no PRESENT in this stripe).
  EXPECT_EQ(cities.entry(1).positions_size(), compressed ? 3 : 2);
}

INSTANTIATE_TEST_SUITE_P(Codecs, WriterTailTest, ::testing::Values(proto::NONE, proto::ZLIB));

// The bytes of a stream from a row-index position on: [chunk offset, offset in the chunk] with a
// codec, [byte offset] without; `at` is advanced past the numbers used.
std::string stream_from(const ParsedFile& file, std::string_view stream,
                        const proto::RowIndexEntry& entry, int& at) {
  if (file.postscript.compression() == proto::NONE) {
    return std::string(stream.substr(entry.positions(at++)));
  }
  const std::uint64_t chunk = entry.positions(at++);
  const std::uint64_t offset = entry.positions(at++);
  return decode_section(stream.substr(chunk), file.postscript.compression()).substr(offset);
}

class RowIndexPositionTest
    : public ::testing::TestWithParam<std::tuple<proto::CompressionKind, FileVersion>> {};

// Decodes each row group of a bigint column with nulls starting from its recorded positions
// (PRESENT, then DATA) and compares with the values written.
TEST_P(RowIndexPositionTest, PositionsLocateEveryRowGroup) {
  const auto [codec, version] = GetParam();
  TempDir dir;
  const Type schema = Type::parse("struct<id:bigint,city:string>");
  constexpr std::size_t kRows = 5000;
  constexpr std::uint32_t kStride = 333;
  {
    Writer writer(dir / "p.orc", schema,
                  WriterOptions().with_compression(codec).with_block_size(97).with_row_index_stride(kStride).with_version(version));
    writer.add(*id_city_batch(schema, 0, kRows));
    writer.close();
  }
  const ParsedFile file = parse(dir / "p.orc");
  ASSERT_EQ(file.footer.stripes_size(), 1);
  const proto::StripeFooter footer = file.stripe_footer(0);
  std::string_view present, data;
  std::uint64_t offset = file.footer.stripes(0).offset();
  for (const auto& stream : footer.streams()) {
    const std::string_view bytes = std::string_view(file.bytes).substr(offset, stream.length());
    if (stream.column() == 1 && stream.kind() == proto::Stream::PRESENT) present = bytes;
    if (stream.column() == 1 && stream.kind() == proto::Stream::DATA) data = bytes;
    offset += stream.length();
  }
  const proto::RowIndex index = file.row_index(0, 1);
  ASSERT_EQ(index.entry_size(), static_cast<int>((kRows + kStride - 1) / kStride));
  const IntRleVersion rle = version == FileVersion::V0_11 ? IntRleVersion::V1 : IntRleVersion::V2;
  for (int group = 0; group < index.entry_size(); ++group) {
    const auto& entry = index.entry(group);
    int at = 0;
    const std::string present_bytes = stream_from(file, present, entry, at);
    const std::uint64_t skip_bits = entry.positions(at) * 8 + entry.positions(at + 1);
    at += 2;
    const std::string data_bytes = stream_from(file, data, entry, at);
    const std::uint64_t skip_values = entry.positions(at++);
    ASSERT_EQ(at, entry.positions_size());

    const std::size_t first = static_cast<std::size_t>(group) * kStride;
    const std::size_t rows = std::min<std::size_t>(kStride, kRows - first);
    std::vector<std::uint8_t> bits(skip_bits + rows);
    BooleanDecoder(StreamBytes(present_bytes)).next(bits.data(), bits.size());
    std::vector<std::int64_t> expected;
    for (std::size_t i = 0; i < rows; ++i) {
      const auto id = static_cast<std::int64_t>(first + i);
      ASSERT_EQ(bits[skip_bits + i], id % 7 == 0 ? 0 : 1) << "group " << group << " row " << i;
      if (id % 7 != 0) expected.push_back(id);
    }
    std::vector<std::int64_t> values(skip_values + expected.size());
    make_int_decoder(rle, true, StreamBytes(data_bytes))->next(values.data(), values.size());
    values.erase(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(skip_values));
    ASSERT_EQ(values, expected) << "group " << group;
  }
}

INSTANTIATE_TEST_SUITE_P(CodecsAndVersions, RowIndexPositionTest,
                         ::testing::Combine(::testing::Values(proto::NONE, proto::ZLIB),
                                            ::testing::Values(FileVersion::V0_11, FileVersion::V0_12)));

TEST(WriterTest, SmallStripeSizeGivesManyStripesWithTheirOwnStatistics) {
  TempDir dir;
  const Type schema = Type::parse("struct<id:bigint,city:string>");
  {
    Writer writer(dir / "s.orc", schema, WriterOptions().with_stripe_size(4096).with_compression(proto::NONE));
    for (int batch = 0; batch < 20; ++batch) writer.add(*id_city_batch(schema, batch * 1000, 1000));
    writer.close();
  }
  const ParsedFile file = parse(dir / "s.orc");
  ASSERT_GT(file.footer.stripes_size(), 1);
  ASSERT_EQ(file.metadata.stripe_stats_size(), file.footer.stripes_size());
  std::uint64_t rows = 0;
  std::uint64_t values = 0;
  std::uint64_t next_offset = 3;
  for (int s = 0; s < file.footer.stripes_size(); ++s) {
    const auto& stripe = file.footer.stripes(s);
    EXPECT_EQ(stripe.offset(), next_offset);
    next_offset = stripe.offset() + stripe.index_length() + stripe.data_length() + stripe.footer_length();
    rows += stripe.number_of_rows();
    values += file.metadata.stripe_stats(s).col_stats(1).number_of_values();
  }
  EXPECT_EQ(rows, 20000u);
  EXPECT_EQ(values, file.footer.statistics(1).number_of_values());
  EXPECT_EQ(next_offset, file.footer.content_length());
}

TEST(WriterTest, StripeRowsCloseAStripeEveryNRows) {
  TempDir dir;
  const Type schema = Type::parse("struct<id:bigint,city:string>");
  {
    Writer writer(
        dir / "r.orc", schema,
        WriterOptions().with_stripe_rows(1500).with_row_index_stride(1000).with_compression(
            proto::NONE));
    for (int batch = 0; batch < 4; ++batch) writer.add(*id_city_batch(schema, batch * 1000, 1000));
    writer.close();
  }
  const ParsedFile file = parse(dir / "r.orc");
  ASSERT_EQ(file.footer.stripes_size(), 3);
  EXPECT_EQ(file.footer.stripes(0).number_of_rows(), 1500u);
  EXPECT_EQ(file.footer.stripes(1).number_of_rows(), 1500u);
  EXPECT_EQ(file.footer.stripes(2).number_of_rows(), 1000u);
  EXPECT_EQ(file.footer.number_of_rows(), 4000u);
}

TEST(WriterTest, ZeroRowFileHasATailAndNoStripes) {
  TempDir dir;
  const Type schema = Type::parse("struct<a:int,b:list<string>>");
  {
    Writer writer(dir / "empty.orc", schema, WriterOptions().with_compression(proto::ZLIB));
    writer.close();
  }
  const ParsedFile file = parse(dir / "empty.orc");
  EXPECT_EQ(file.footer.number_of_rows(), 0u);
  EXPECT_EQ(file.footer.stripes_size(), 0);
  EXPECT_EQ(file.footer.types_size(), 4);
  ASSERT_EQ(file.footer.statistics_size(), 4);
  EXPECT_EQ(file.footer.statistics(1).number_of_values(), 0u);
}

TEST(WriterTest, WritesUnderATemporaryNameAndRenamesOnClose) {
  TempDir dir;
  const Type schema = Type::parse("struct<id:bigint,city:string>");
  Writer writer(dir / "out.orc", schema);
  writer.add(*id_city_batch(schema, 0, 10));
  EXPECT_FALSE(std::filesystem::exists(dir / "out.orc"));
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
    EXPECT_NE(entry.path().filename().string().find(".out.orc.tmp-"), std::string::npos);
  }
  EXPECT_EQ(entries, 1);
  writer.close();
  EXPECT_TRUE(std::filesystem::exists(dir / "out.orc"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(WriterTest, DestroyedWithoutCloseLeavesNothingBehind) {
  TempDir dir;
  const Type schema = Type::parse("struct<id:bigint,city:string>");
  {
    Writer writer(dir / "out.orc", schema);
    writer.add(*id_city_batch(schema, 0, 10));
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(WriterTest, BadValuesNameTheColumnAndRowAndPoisonTheWriter) {
  TempDir dir;
  const Type schema = Type::parse("struct<a:tinyint>");
  Writer writer(dir / "bad.orc", schema);
  auto batch = make_column_vector(schema);
  auto& root = static_cast<StructVector&>(*batch);
  auto& a = static_cast<LongVector&>(*root.fields[0]);
  a.values = {1, 2, 300};
  a.num_rows = root.num_rows = 3;
  try {
    writer.add(*batch);
    FAIL() << "300 is not a tinyint";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("column 'a'"), std::string::npos) << message;
    EXPECT_NE(message.find("row 2"), std::string::npos) << message;
    EXPECT_NE(message.find("300"), std::string::npos) << message;
  }
  EXPECT_THROW(writer.add(*batch), Error);
  EXPECT_THROW(writer.close(), Error);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(WriterTest, RejectsAVectorOfTheWrongKind) {
  TempDir dir;
  Writer writer(dir / "bad.orc", Type::parse("struct<a:string>"));
  auto batch = make_column_vector(Type::parse("struct<a:bigint>"));
  batch->num_rows = 0;
  static_cast<StructVector&>(*batch).fields[0]->num_rows = 1;
  batch->num_rows = 1;
  static_cast<LongVector&>(*static_cast<StructVector&>(*batch).fields[0]).values = {5};
  EXPECT_THROW(writer.add(*batch), ConfigError);
}

TEST(WriterTest, RejectsDecimalsWiderThanTheirPrecisionAndBadOptions) {
  TempDir dir;
  const Type schema = Type::parse("struct<d:decimal(4,2)>");
  Writer writer(dir / "d.orc", schema);
  auto batch = make_column_vector(schema);
  auto& root = static_cast<StructVector&>(*batch);
  auto& d = static_cast<Decimal64Vector&>(*root.fields[0]);
  d.values = {9999, 10000};
  d.num_rows = root.num_rows = 2;
  EXPECT_THROW(writer.add(*batch), ConfigError);
  EXPECT_THROW(Writer(dir / "x.orc", schema, WriterOptions().with_block_size(0)), ConfigError);
  EXPECT_THROW(Writer(dir / "x.orc", schema, WriterOptions().with_block_size(1 << 23)), ConfigError);
  EXPECT_THROW(Writer(dir / "no-such-dir" / "x.orc", schema), IoError);
}

}  // namespace
}  // namespace recis::orc

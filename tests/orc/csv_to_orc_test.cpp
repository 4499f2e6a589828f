// CSV -> ORC conversion (`recis orc from-csv`): every cell syntax read back through the reader,
// quoting rules, and errors that name the line, column and text.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "recis/common/error.h"
#include "recis/orc/csv_reader.h"
#include "recis/orc/csv_to_orc.h"
#include "recis/orc/reader.h"
#include "support/test_support.h"

namespace recis::orc {
namespace {

using recis::testing::TempDir;

TEST(CsvReaderTest, QuotesCommasNewlinesAndEmptyFields) {
  std::istringstream in("a,\"b,c\",\"say \"\"hi\"\"\"\r\n,\"\",\"two\nlines\"\nlast");
  CsvReader reader(in, "in.csv");
  std::vector<CsvField> fields;
  ASSERT_TRUE(reader.next(fields));
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].text, "a");
  EXPECT_EQ(fields[1].text, "b,c");
  EXPECT_EQ(fields[2].text, "say \"hi\"");
  ASSERT_TRUE(reader.next(fields));
  EXPECT_EQ(reader.record_line(), 2u);
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_FALSE(fields[0].quoted);
  EXPECT_TRUE(fields[1].quoted);
  EXPECT_EQ(fields[1].text, "");
  EXPECT_EQ(fields[2].text, "two\nlines");
  ASSERT_TRUE(reader.next(fields));
  EXPECT_EQ(reader.record_line(), 4u);
  EXPECT_EQ(fields[0].text, "last");
  EXPECT_FALSE(reader.next(fields));
}

TEST(CsvReaderTest, RecordsAcrossReadBlocksAndRecordsOfChangingWidth) {
  // More than two of the reader's 1 MiB blocks: fields, quotes and line ends fall on every
  // block boundary somewhere; records alternate between 3 and 1 fields (reused field strings).
  std::string text;
  std::vector<std::vector<std::string>> expected;
  for (int record = 0; text.size() < (std::size_t{5} << 19); ++record) {
    if (record % 2 == 0) {
      const std::string plain(static_cast<std::size_t>(record % 97), 'x');
      const std::string quoted = "q\"\"" + std::to_string(record) + ",\n";
      text += plain + ",\"" + quoted + "\"," + std::to_string(record) + (record % 3 ? "\r\n" : "\n");
      expected.push_back({plain, "q\"" + std::to_string(record) + ",\n", std::to_string(record)});
    } else {
      text += "only" + std::to_string(record) + "\n";
      expected.push_back({"only" + std::to_string(record)});
    }
  }
  std::istringstream in(text);
  CsvReader reader(in, "big.csv");
  std::vector<CsvField> fields;
  uint64_t line = 1;
  for (const std::vector<std::string>& want : expected) {
    ASSERT_TRUE(reader.next(fields));
    ASSERT_EQ(reader.record_line(), line);
    line += want.size() == 3 ? 2 : 1;  // the quoted field holds a newline
    ASSERT_EQ(fields.size(), want.size()) << "line " << reader.record_line();
    for (std::size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(fields[i].text, want[i]) << "line " << reader.record_line();
      ASSERT_EQ(fields[i].quoted, want.size() == 3 && i == 1);
    }
  }
  EXPECT_FALSE(reader.next(fields));
}

TEST(CsvReaderTest, UnterminatedQuoteNamesItsLine) {
  std::istringstream in("ok\n\"never ends\n");
  CsvReader reader(in, "in.csv");
  std::vector<CsvField> fields;
  ASSERT_TRUE(reader.next(fields));
  try {
    reader.next(fields);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("in.csv line 2"), std::string::npos) << e.what();
  }
}

TEST(CsvToOrcTest, EveryCellSyntaxReadsBack) {
  TempDir dir;
  const Type schema = Type::parse(
      "struct<ok:boolean,n:int,big:bigint,x:double,price:decimal(10,2),day:date,at:timestamp,"
      "name:string,ids:array<bigint>,attrs:map<string,double>>");
  std::istringstream in(
      "ok,n,big,x,price,day,at,name,ids,attrs\n"
      "true,-7,9223372036854775807,1.5,12.3,2024-02-29,2024-02-29 12:34:56.789,\"a, b\",1;2;3,a:1;b:2.5\n"
      ",,,,,,,,,\n"
      "0,0,0,-inf,-0.05,1969-12-31,1970-01-01T00:00:00,\"\",\"\",\"\"\n"
      "FALSE,1,2,3,4,1970-01-02,2000-01-01 00:00:01.5,x,7;;9,k:\n");
  CsvToOrcOptions options;
  options.header = true;
  EXPECT_EQ(csv_to_orc(in, "in.csv", dir / "out.orc", schema, options), 4u);

  auto reader = Reader::open(dir / "out.orc");
  auto batch = reader->make_batch();
  ASSERT_EQ(reader->next(*batch, 100), 4u);
  const auto& root = static_cast<const StructVector&>(*batch);
  const auto& ok = static_cast<const LongVector&>(*root.fields[0]);
  EXPECT_EQ(ok.values[0], 1);
  EXPECT_TRUE(ok.is_null(1));
  EXPECT_EQ(ok.values[3], 0);
  EXPECT_EQ(static_cast<const LongVector&>(*root.fields[1]).values[0], -7);
  EXPECT_EQ(static_cast<const LongVector&>(*root.fields[2]).values[0], 9223372036854775807);
  EXPECT_EQ(static_cast<const DoubleVector&>(*root.fields[3]).values[0], 1.5);
  EXPECT_EQ(static_cast<const DoubleVector&>(*root.fields[3]).values[2], -std::numeric_limits<double>::infinity());
  const auto& price = static_cast<const Decimal64Vector&>(*root.fields[4]);
  EXPECT_EQ(price.values[0], 1230);
  EXPECT_EQ(price.values[2], -5);
  const auto& day = static_cast<const LongVector&>(*root.fields[5]);
  EXPECT_EQ(day.values[0], 19782);  // 2024-02-29
  EXPECT_EQ(day.values[2], -1);
  const auto& at = static_cast<const TimestampVector&>(*root.fields[6]);
  EXPECT_EQ(at.seconds[0], 1709210096);
  EXPECT_EQ(at.nanos[0], 789'000'000);
  EXPECT_EQ(at.seconds[2], 0);
  EXPECT_EQ(at.seconds[3], 946684801);
  EXPECT_EQ(at.nanos[3], 500'000'000);
  const auto& name = static_cast<const BytesVector&>(*root.fields[7]);
  EXPECT_EQ(name.value(0), "a, b");
  EXPECT_TRUE(name.is_null(1));
  EXPECT_FALSE(name.is_null(2));
  EXPECT_EQ(name.value(2), "");
  const auto& ids = static_cast<const ListVector&>(*root.fields[8]);
  EXPECT_EQ(ids.offsets, (std::vector<std::int64_t>{0, 3, 3, 3, 6}));
  EXPECT_TRUE(ids.is_null(1));
  EXPECT_FALSE(ids.is_null(2));
  const auto& elements = static_cast<const LongVector&>(*ids.elements);
  EXPECT_EQ(elements.values[2], 3);
  EXPECT_EQ(elements.values[5], 9);
  EXPECT_TRUE(elements.is_null(4));
  const auto& attrs = static_cast<const MapVector&>(*root.fields[9]);
  EXPECT_EQ(attrs.offsets, (std::vector<std::int64_t>{0, 2, 2, 2, 3}));
  EXPECT_EQ(static_cast<const BytesVector&>(*attrs.keys).value(1), "b");
  EXPECT_EQ(static_cast<const DoubleVector&>(*attrs.values).values[1], 2.5);
  EXPECT_TRUE(attrs.values->is_null(2));
}

void expect_cell_error(const std::string& schema, const std::string& csv, const std::string& needle) {
  TempDir dir;
  std::istringstream in(csv);
  try {
    csv_to_orc(in, "in.csv", dir / "out.orc", Type::parse(schema));
    FAIL() << "expected an error for " << csv;
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "no output after an error";
}

TEST(CsvToOrcTest, BadCellsNameLineColumnAndText) {
  expect_cell_error("struct<a:int,b:int>", "1,2\n3,x4\n", "in.csv line 2 column 2 (b): cannot read 'x4' as int");
  expect_cell_error("struct<a:tinyint>", "200\n", "line 1 column 1 (a): cannot read '200' as tinyint");
  expect_cell_error("struct<a:decimal(5,1)>", "1.25\n", "more than 1 fraction digits");
  expect_cell_error("struct<a:date>", "2023-02-29\n", "expected YYYY-MM-DD");
  expect_cell_error("struct<a:timestamp>", "2023-01-01 25:00:00\n", "line 1 column 1 (a)");
  expect_cell_error("struct<a:map<string,int>>", "novalue\n", "map entry without ':'");
  expect_cell_error("struct<a:int,b:int>", "1,2\n3\n", "in.csv line 2: 1 columns, the schema has 2");
  expect_cell_error("struct<a:array<array<int>>>", "1\n", "lists or maps of primitives");
}

}  // namespace
}  // namespace recis::orc

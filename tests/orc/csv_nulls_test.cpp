// Nulls through `recis orc from-csv` (issue 21): a null in the first row, in the first row of a
// later batch, in the last row, a stripe of nulls and a file of nulls, for every type with a CSV
// syntax (and null first elements of lists and maps), read back with our reader and compared row
// by row as `recis orc cat` prints them.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "recis/orc/csv_to_orc.h"
#include "recis/orc/reader.h"
#include "recis/orc/row_printer.h"
#include "support/test_support.h"

namespace recis::orc {
namespace {

using recis::testing::TempDir;

// One CSV column: its type, two cells with values and how each prints.
struct Column {
  std::string name;
  std::string type;
  std::string cell_a, printed_a;
  std::string cell_b, printed_b;
};

const std::vector<Column>& columns() {
  static const std::vector<Column> all = {
      {"b", "boolean", "true", "true", "0", "false"},
      {"t", "tinyint", "-8", "-8", "127", "127"},
      {"s", "smallint", "300", "300", "-1", "-1"},
      {"i", "int", "-70000", "-70000", "0", "0"},
      {"l", "bigint", "9000000000", "9000000000", "1", "1"},
      {"f", "float", "1.5", "1.5", "-0.25", "-0.25"},
      {"d", "double", "-2.25", "-2.25", "1e10", "10000000000"},
      {"str", "string", "x", "\"x\"", "\"\"", "\"\""},
      {"vc", "varchar(4)", "abc", "\"abc\"", "wxyz", "\"wxyz\""},
      {"ch", "char(3)", "ab", "\"ab \"", "xyz", "\"xyz\""},
      {"bin", "binary", "AB", "[65, 66]", "\"\"", "[]"},
      {"day", "date", "2024-02-29", "\"2024-02-29\"", "1969-12-31", "\"1969-12-31\""},
      {"ts", "timestamp", "2024-02-29 12:34:56.5", "\"2024-02-29 12:34:56.5\"",
       "1970-01-01 00:00:00", "\"1970-01-01 00:00:00.0\""},
      {"tsi", "timestamp with local time zone", "2000-01-01T00:00:01", "\"2000-01-01 00:00:01.0\"",
       "1999-12-31 23:59:59.000000001", "\"1999-12-31 23:59:59.000000001\""},
      {"dec", "decimal(10,2)", "12.3", "12.30", "-0.05", "-0.05"},
      {"wide", "decimal(30,5)", "-1.5", "-1.50000", "123456789012345678901234.5",
       "123456789012345678901234.50000"},
      {"ids", "array<int>", ";2", "[null, 2]", "3;;", "[3, null, null]"},
      {"kv", "map<string,int>", "a:;b:2",
       "[{\"key\": \"a\", \"value\": null}, {\"key\": \"b\", \"value\": 2}]", "\"\"", "[]"},
  };
  return all;
}

Type schema() {
  std::string text = "struct<";
  for (const Column& column : columns()) text += column.name + ":" + column.type + ",";
  text.back() = '>';
  return Type::parse(text);
}

// What each CSV row holds: nulls in every column, or every column's value a or b.
enum class Row { Null, A, B };

std::string csv_text(const std::vector<Row>& rows) {
  std::string text;
  for (const Row row : rows) {
    for (std::size_t i = 0; i < columns().size(); ++i) {
      if (i > 0) text += ',';
      if (row != Row::Null) text += row == Row::A ? columns()[i].cell_a : columns()[i].cell_b;
    }
    text += '\n';
  }
  return text;
}

std::string expected_rows(const std::vector<Row>& rows) {
  std::string out;
  for (const Row row : rows) {
    out += '{';
    for (std::size_t i = 0; i < columns().size(); ++i) {
      const Column& column = columns()[i];
      if (i > 0) out += ", ";
      out += "\"" + column.name + "\": ";
      out += row == Row::Null ? "null" : row == Row::A ? column.printed_a : column.printed_b;
    }
    out += "}\n";
  }
  return out;
}

// Every row of the file, printed, read `batch_rows` at a time.
std::string print_file(const std::filesystem::path& path, std::size_t batch_rows) {
  auto reader = Reader::open(path);
  RowPrinter printer(reader->selected_type());
  auto batch = reader->make_batch();
  std::string out;
  while (const std::size_t rows = reader->next(*batch, batch_rows)) {
    for (std::size_t row = 0; row < rows; ++row) {
      printer.append_row(*batch, row, out);
      out += '\n';
    }
  }
  return out;
}

struct Layout {
  FileVersion version;
  proto::CompressionKind compression;
};

class CsvNullsTest : public ::testing::TestWithParam<Layout> {
 protected:
  // Converts `rows` in stripes of 3 rows, batches of 4 and row groups of 2, then checks that
  // the file holds exactly `rows` and has the expected number of stripes.
  void convert_and_check(const std::vector<Row>& rows) {
    TempDir dir;
    CsvToOrcOptions options;
    options.batch_rows = 4;
    options.writer.version = GetParam().version;
    options.writer.compression = GetParam().compression;
    options.writer.stripe_rows = 3;
    options.writer.row_index_stride = 2;
    std::istringstream in(csv_text(rows));
    ASSERT_EQ(csv_to_orc(in, "in.csv", dir / "out.orc", schema(), options), rows.size());
    EXPECT_EQ(Reader::open(dir / "out.orc")->num_stripes(), (rows.size() + 2) / 3);
    const std::string expected = expected_rows(rows);
    EXPECT_EQ(print_file(dir / "out.orc", 1000), expected);
    EXPECT_EQ(print_file(dir / "out.orc", 2), expected);
  }
};

TEST_P(CsvNullsTest, FirstRowBatchStartsNullStripeAndLastRow) {
  // Stripes: [null a b] [null null null] [a b null]; batches start at rows 0, 4 and 8.
  convert_and_check(
      {Row::Null, Row::A, Row::B, Row::Null, Row::Null, Row::Null, Row::A, Row::B, Row::Null});
}

TEST_P(CsvNullsTest, OnlyTheFirstRowIsNull) {
  convert_and_check({Row::Null, Row::A, Row::B, Row::A});
}

TEST_P(CsvNullsTest, WholeFileOfNulls) { convert_and_check(std::vector<Row>(7, Row::Null)); }

TEST_P(CsvNullsTest, NoNullRows) { convert_and_check({Row::A, Row::B, Row::A, Row::B}); }

INSTANTIATE_TEST_SUITE_P(Layouts, CsvNullsTest,
                         ::testing::Values(Layout{FileVersion::V0_12, proto::ZSTD},
                                           Layout{FileVersion::V0_11, proto::NONE}),
                         [](const ::testing::TestParamInfo<Layout>& info) {
                           return info.param.version == FileVersion::V0_12 ? "V0_12_zstd"
                                                                           : "V0_11_none";
                         });

// A single-column CSV: a blank line is a null row, first and last included.
TEST(CsvNullRowsTest, BlankLinesAreNullRows) {
  TempDir dir;
  std::istringstream in("\n1\n\n");
  ASSERT_EQ(csv_to_orc(in, "in.csv", dir / "out.orc", Type::parse("struct<a:bigint>")), 3u);
  EXPECT_EQ(print_file(dir / "out.orc", 1000), "{\"a\": null}\n{\"a\": 1}\n{\"a\": null}\n");
}

// The issue's own example.
TEST(CsvNullRowsTest, IssueExample) {
  TempDir dir;
  std::istringstream in(",,\n1,x,\n");
  const Type type = Type::parse("struct<a:bigint,s:string,t:timestamp>");
  ASSERT_EQ(csv_to_orc(in, "in.csv", dir / "out.orc", type), 2u);
  EXPECT_EQ(print_file(dir / "out.orc", 1000),
            "{\"a\": null, \"s\": null, \"t\": null}\n{\"a\": 1, \"s\": \"x\", \"t\": null}\n");
}

}  // namespace
}  // namespace recis::orc

// char(n) and varchar(n) written as Apache ORC's writer does: char(n) padded with spaces to n
// characters or cut to n, varchar(n) cut to n, counting UTF-8 characters (a multi-byte character
// is never split); string columns untouched. Checked through our reader and the statistics, for
// direct and dictionary encodings.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recis/orc/column_vector.h"
#include "recis/orc/reader.h"
#include "recis/orc/writer.h"
#include "support/test_support.h"

namespace recis::orc {
namespace {

using recis::testing::TempDir;

const std::vector<std::string> kValues = {
    "", "a", "abc", "abcdef", "n\u00e9", "\u65e5\u672c\u8a9eab", "ab\u00e9"};
const std::vector<std::string> kAsChar3 = {
    "   ", "a  ", "abc", "abc", "n\u00e9 ", "\u65e5\u672c\u8a9e", "ab\u00e9"};
const std::vector<std::string> kAsVarchar3 = {
    "", "a", "abc", "abc", "n\u00e9", "\u65e5\u672c\u8a9e", "ab\u00e9"};

std::vector<std::string> column_values(const ColumnVector& batch, std::size_t field) {
  const auto& strings =
      static_cast<const BytesVector&>(*static_cast<const StructVector&>(batch).fields[field]);
  std::vector<std::string> values;
  for (std::size_t row = 0; row < strings.num_rows; ++row) values.emplace_back(strings.value(row));
  return values;
}

class CharVarcharTest : public ::testing::TestWithParam<double> {};

TEST_P(CharVarcharTest, CharIsPaddedAndBothAreCutToTheirLengthInCharacters) {
  TempDir dir;
  const Type schema = Type::parse("struct<c:char(3),v:varchar(3),s:string>");
  auto batch = make_column_vector(schema);
  for (auto& field : static_cast<StructVector&>(*batch).fields) {
    auto& strings = static_cast<BytesVector&>(*field);
    for (const std::string& value : kValues) {
      strings.bytes.insert(strings.bytes.end(), value.begin(), value.end());
      strings.offsets.push_back(static_cast<std::int64_t>(strings.bytes.size()));
    }
    strings.num_rows = kValues.size();
  }
  batch->num_rows = kValues.size();
  {
    Writer writer(dir / "chars.orc", schema, WriterOptions().with_dictionary_key_ratio(GetParam()));
    writer.add(*batch);
    writer.close();
  }
  auto reader = Reader::open(dir / "chars.orc");
  auto read = reader->make_batch();
  ASSERT_EQ(reader->next(*read, 100), kValues.size());
  EXPECT_EQ(column_values(*read, 0), kAsChar3);
  EXPECT_EQ(column_values(*read, 1), kAsVarchar3);
  EXPECT_EQ(column_values(*read, 2), kValues);

  const auto& stats = reader->tail().footer().statistics();
  EXPECT_EQ(stats[1].string_statistics().minimum(), "   ");
  EXPECT_EQ(stats[1].string_statistics().maximum(), "\u65e5\u672c\u8a9e");
  std::int64_t char_bytes = 0;
  for (const auto& value : kAsChar3) char_bytes += static_cast<std::int64_t>(value.size());
  EXPECT_EQ(stats[1].string_statistics().sum(), char_bytes);
  EXPECT_EQ(stats[2].string_statistics().minimum(), "");
}

INSTANTIATE_TEST_SUITE_P(DirectAndDictionary, CharVarcharTest, ::testing::Values(0.0, 1.0));

TEST(CharVarcharTest, ZeroLengthTypesHoldEmptyStrings) {
  TempDir dir;
  const Type schema = Type::parse("struct<c:char(0),v:varchar(0)>");
  auto batch = make_column_vector(schema);
  for (auto& field : static_cast<StructVector&>(*batch).fields) {
    auto& strings = static_cast<BytesVector&>(*field);
    strings.bytes = {'x', 'y'};
    strings.offsets.push_back(2);
    strings.num_rows = 1;
  }
  batch->num_rows = 1;
  {
    Writer writer(dir / "zero.orc", schema);
    writer.add(*batch);
    writer.close();
  }
  auto reader = Reader::open(dir / "zero.orc");
  auto read = reader->make_batch();
  ASSERT_EQ(reader->next(*read, 10), 1u);
  EXPECT_EQ(column_values(*read, 0), std::vector<std::string>{""});
  EXPECT_EQ(column_values(*read, 1), std::vector<std::string>{""});
}

}  // namespace
}  // namespace recis::orc

// Conformance: every file of ../shared/orc-corpus prints exactly its expected/NAME.jsn.gz (rows
// written by Apache ORC's reader), whatever the batch size; projections print the same fields.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recis/orc/format_error.h"
#include "recis/orc/reader.h"
#include "recis/orc/row_printer.h"
#include "support/test_support.h"

namespace recis::orc {
namespace {

std::filesystem::path corpus_dir() { return recis::testing::shared_dir() / "orc-corpus"; }

std::string print_file(const std::filesystem::path& path, std::size_t batch_rows,
                       const ReaderOptions& options = {}) {
  auto reader = Reader::open(path, options);
  RowPrinter printer(reader->selected_type());
  auto batch = reader->make_batch();
  std::string out;
  while (std::size_t rows = reader->next(*batch, batch_rows)) {
    for (std::size_t row = 0; row < rows; ++row) {
      printer.append_row(*batch, row, out);
      out += '\n';
    }
  }
  return out;
}

// The first differing line, for a readable failure.
std::string first_difference(const std::string& actual, const std::string& expected) {
  std::size_t line = 1;
  std::size_t start = 0;
  while (true) {
    const std::size_t a_end = actual.find('\n', start);
    const std::size_t e_end = expected.find('\n', start);
    const std::string a = actual.substr(start, a_end == std::string::npos ? std::string::npos : a_end - start);
    const std::string e = expected.substr(start, e_end == std::string::npos ? std::string::npos : e_end - start);
    if (a != e || a_end != e_end) {
      return "line " + std::to_string(line) + "\n  actual:   " + a.substr(0, 400) +
             "\n  expected: " + e.substr(0, 400);
    }
    if (a_end == std::string::npos) return "identical";
    start = a_end + 1;
    ++line;
  }
}

class CorpusTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CorpusTest, PrintsExpectedRows) {
  const std::string name = GetParam();
  const std::string expected =
      recis::testing::read_file(corpus_dir() / "expected" / (name + ".jsn.gz"));
  const std::string actual = print_file(corpus_dir() / (name + ".orc"), 1024);
  EXPECT_TRUE(actual == expected) << first_difference(actual, expected);
}

TEST_P(CorpusTest, BatchSizeDoesNotChangeRows) {
  const std::filesystem::path path = corpus_dir() / (GetParam() + ".orc");
  const std::string whole = print_file(path, 1 << 20);
  for (std::size_t batch_rows : {1, 7, 1000}) {
    const std::string batched = print_file(path, batch_rows);
    EXPECT_TRUE(batched == whole) << "batch " << batch_rows << ": "
                                  << first_difference(batched, whole);
  }
}

INSTANTIATE_TEST_SUITE_P(OrcCorpus, CorpusTest,
                         ::testing::Values("TestOrcFile.test1", "TestOrcFile.testSnappy",
                                           "TestVectorOrcFile.testLz4",
                                           "TestOrcFile.testMemoryManagementV11", "decimal",
                                           "TestOrcFile.testTimestamp", "recis-deepfm-part-0"),
                         [](const auto& info) {
                           std::string id = info.param;
                           for (char& c : id) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return id;
                         });

TEST(CorpusProjection, NestedPathSelectsOnlyThatField) {
  ReaderOptions options;
  options.columns = {"int1", "middle.list"};
  const std::string out = print_file(corpus_dir() / "TestOrcFile.test1.orc", 1024, options);
  EXPECT_EQ(out,
            "{\"int1\": 65536, \"middle\": {\"list\": [{\"int1\": 1, \"string1\": \"bye\"}, "
            "{\"int1\": 2, \"string1\": \"sigh\"}]}}\n"
            "{\"int1\": 65536, \"middle\": {\"list\": [{\"int1\": 1, \"string1\": \"bye\"}, "
            "{\"int1\": 2, \"string1\": \"sigh\"}]}}\n");
}

TEST(CorpusProjection, UnknownColumnNamesTheFields) {
  ReaderOptions options;
  options.columns = {"middle.nope"};
  try {
    Reader::open(corpus_dir() / "TestOrcFile.test1.orc", options);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no field 'nope' (fields: list)"), std::string::npos)
        << e.what();
  }
}

TEST(CorpusCorrupt, NegativeDictionaryEntryLengthIsRejected) {
  const auto path = corpus_dir() / "corrupt" / "negative_dict_entry_lengths.orc";
  try {
    print_file(path, 1024);
    FAIL() << "expected FormatError";
  } catch (const FormatError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("negative_dict_entry_lengths.orc"), std::string::npos) << message;
    EXPECT_NE(message.find("stripe 0"), std::string::npos) << message;
    EXPECT_NE(message.find("dictionary entry length -"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace recis::orc

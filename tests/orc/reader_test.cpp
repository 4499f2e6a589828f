// Reader behaviour beyond the corpus rows: tail corner cases (missing version, unknown version,
// no block size, no row count), unsupported compression, seeking, column vectors' shape, and
// hostile input — empty, truncated and garbled files must raise FormatError, never crash.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "recis/orc/format_error.h"
#include "recis/orc/reader.h"
#include "recis/orc/row_printer.h"
#include "support/test_support.h"

namespace recis::orc {
namespace {

std::filesystem::path corpus(const std::string& name) {
  return recis::testing::shared_dir() / "orc-corpus" / name;
}

std::unique_ptr<Reader> open_bytes(std::string bytes, const ReaderOptions& options = {}) {
  return Reader::open(InputFile::from_memory(std::move(bytes), "memory.orc"), options);
}

// Reads every row; returns the printed rows.
std::string print_all(Reader& reader, std::size_t batch_rows = 1000) {
  RowPrinter printer(reader.selected_type());
  auto batch = reader.make_batch();
  std::string out;
  while (const std::size_t rows = reader.next(*batch, batch_rows)) {
    for (std::size_t row = 0; row < rows; ++row) {
      printer.append_row(*batch, row, out);
      out += '\n';
    }
  }
  return out;
}

// A file split into everything before the PostScript and the PostScript itself.
struct SplitFile {
  explicit SplitFile(const std::string& bytes) {
    const auto ps_length = static_cast<unsigned char>(bytes.back());
    body = bytes.substr(0, bytes.size() - 1 - ps_length);
    EXPECT_TRUE(postscript.ParseFromString(bytes.substr(body.size(), ps_length)));
  }
  std::string join() const {
    const std::string ps = postscript.SerializeAsString();
    return body + ps + static_cast<char>(ps.size());
  }
  std::string body;
  proto::PostScript postscript;
};

std::string expect_format_error(const std::string& bytes) {
  try {
    auto reader = open_bytes(bytes);
    print_all(*reader);
  } catch (const FormatError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no FormatError";
  return "";
}

TEST(Reader, EmptyFileIsNotOrc) {
  const std::string message = expect_format_error("");
  EXPECT_NE(message.find("memory.orc: not an ORC file (0 bytes"), std::string::npos) << message;
}

TEST(Reader, WrongMagicIsRejected) {
  std::string bytes = recis::testing::read_file(corpus("decimal.orc"));
  SplitFile file(bytes);
  file.postscript.set_magic("ORK");
  file.body[0] = 'X';
  const std::string message = expect_format_error(file.join());
  EXPECT_NE(message.find("no 'ORC' magic"), std::string::npos) << message;
}

TEST(Reader, MissingVersionMeans011) {
  SplitFile file(recis::testing::read_file(corpus("TestVectorOrcFile.testLz4.orc")));
  const std::string expected = print_all(*open_bytes(file.join()));
  file.postscript.clear_version();
  auto reader = open_bytes(file.join());
  EXPECT_EQ(reader->tail().version(), "0.11");
  EXPECT_EQ(print_all(*reader), expected);
}

TEST(Reader, FutureVersionStillReads) {
  SplitFile file(recis::testing::read_file(corpus("decimal.orc")));
  const std::string expected = print_all(*open_bytes(file.join()));
  file.postscript.clear_version();
  file.postscript.add_version(1);
  file.postscript.add_version(9);
  auto reader = open_bytes(file.join());
  EXPECT_EQ(reader->tail().version(), "1.9");
  EXPECT_EQ(print_all(*reader), expected);
}

TEST(Reader, MissingBlockSizeMeans262144) {
  SplitFile file(recis::testing::read_file(corpus("TestOrcFile.test1.orc")));
  const std::string expected = print_all(*open_bytes(file.join()));
  file.postscript.clear_compression_block_size();
  auto reader = open_bytes(file.join());
  EXPECT_EQ(reader->tail().block_size(), 262144u);
  EXPECT_EQ(print_all(*reader), expected);
}

TEST(Reader, FooterWithoutRowCountCountsTheStripes) {
  // recis-deepfm-part-0.orc is uncompressed, so its footer can be rewritten in place.
  SplitFile file(recis::testing::read_file(corpus("recis-deepfm-part-0.orc")));
  const std::string expected = print_all(*open_bytes(file.join()));
  const std::size_t footer_start = file.body.size() - file.postscript.footer_length();
  proto::Footer footer;
  ASSERT_TRUE(footer.ParseFromString(file.body.substr(footer_start)));
  footer.clear_number_of_rows();
  const std::string new_footer = footer.SerializeAsString();
  file.body = file.body.substr(0, footer_start) + new_footer;
  file.postscript.set_footer_length(new_footer.size());
  auto reader = open_bytes(file.join());
  EXPECT_EQ(reader->num_rows(), 10000u);
  EXPECT_EQ(print_all(*reader), expected);
}

TEST(Reader, BrotliIsRejectedClearly) {
  SplitFile file(recis::testing::read_file(corpus("recis-deepfm-part-0.orc")));
  file.postscript.set_compression(proto::BROTLI);
  const std::string message = expect_format_error(file.join());
  EXPECT_NE(message.find("compression BROTLI is not supported"), std::string::npos) << message;
}

TEST(Reader, SeekToStripeRestartsThere) {
  auto reader = Reader::open(corpus("TestOrcFile.testMemoryManagementV11.orc"));
  ASSERT_EQ(reader->num_stripes(), 25u);
  const std::string all = print_all(*reader);
  std::uint64_t rows_before = 0;
  for (int s = 0; s < 3; ++s) rows_before += reader->tail().footer().stripes(s).number_of_rows();
  reader->seek_to_stripe(3);
  const std::string tail = print_all(*reader);
  std::size_t offset = 0;
  for (std::uint64_t i = 0; i < rows_before; ++i) offset = all.find('\n', offset) + 1;
  EXPECT_EQ(tail, all.substr(offset));
}

TEST(Reader, ListColumnsBecomeOffsetsAndValues) {
  ReaderOptions options;
  options.columns = {"c1", "label"};
  auto reader = Reader::open(corpus("recis-deepfm-part-0.orc"), options);
  EXPECT_EQ(reader->selected_type().to_string(), "struct<c1:array<bigint>,label:array<double>>");
  auto batch = reader->make_batch();
  ASSERT_EQ(reader->next(*batch, 2), 2u);
  const auto& root = static_cast<const StructVector&>(*batch);
  const auto& c1 = static_cast<const ListVector&>(*root.fields[0]);
  EXPECT_EQ(c1.num_rows, 2u);
  EXPECT_EQ(c1.offsets, (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_EQ(static_cast<const LongVector&>(*c1.elements).values,
            (std::vector<std::int64_t>{514771121641, 664891341629}));
  const auto& label = static_cast<const ListVector&>(*root.fields[1]);
  EXPECT_EQ(static_cast<const DoubleVector&>(*label.elements).values,
            (std::vector<double>{0.0, 0.0}));
}

TEST(Reader, DecimalNullsKeepSlots) {
  auto reader = Reader::open(corpus("decimal.orc"));
  auto batch = reader->make_batch();
  std::size_t nulls = 0;
  std::size_t rows = 0;
  while (const std::size_t n = reader->next(*batch, 4096)) {
    const auto& column = static_cast<const StructVector&>(*batch).fields[0];
    const auto& values = static_cast<const Decimal64Vector&>(*column);
    ASSERT_EQ(values.values.size(), n);
    EXPECT_EQ(values.scale, 5u);
    for (std::size_t i = 0; i < n; ++i) {
      if (column->is_null(i)) {
        ++nulls;
        EXPECT_EQ(values.values[i], 0);
      }
    }
    rows += n;
  }
  EXPECT_EQ(rows, reader->num_rows());
  EXPECT_GT(nulls, 0u);
}

// Every truncation of a file loses its tail: always a FormatError, never a crash.
class CorruptCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(CorruptCorpus, TruncatedFilesRaiseFormatError) {
  const std::string bytes = recis::testing::read_file(corpus(GetParam()));
  const std::size_t step = std::max<std::size_t>(1, bytes.size() / 300);
  for (std::size_t length = 0; length < bytes.size(); length += step) {
    SCOPED_TRACE("length " + std::to_string(length));
    EXPECT_THROW(print_all(*open_bytes(bytes.substr(0, length))), FormatError);
  }
}

TEST_P(CorruptCorpus, GarbledFilesRaiseFormatErrorOrRead) {
  const std::string original = recis::testing::read_file(corpus(GetParam()));
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    std::string bytes = original;
    const int flips = 1 + static_cast<int>(rng() % 8);
    // Half the trials hit the tail (footer, PostScript), the rest anywhere.
    const std::size_t region = trial % 2 == 0 ? std::min<std::size_t>(bytes.size(), 512) : bytes.size();
    for (int f = 0; f < flips; ++f) {
      bytes[bytes.size() - 1 - rng() % region] = static_cast<char>(rng());
    }
    try {
      print_all(*open_bytes(bytes), 1 + rng() % 2000);
    } catch (const FormatError&) {
      // The expected outcome for most; reading garbage successfully is also fine.
    }
  }
}

INSTANTIATE_TEST_SUITE_P(OrcCorpus, CorruptCorpus,
                         ::testing::Values("TestOrcFile.test1.orc", "TestOrcFile.testSnappy.orc",
                                           "TestVectorOrcFile.testLz4.orc",
                                           "TestOrcFile.testMemoryManagementV11.orc", "decimal.orc",
                                           "TestOrcFile.testTimestamp.orc"),
                         [](const auto& info) {
                           std::string id = info.param;
                           for (char& c : id) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return id;
                         });

}  // namespace
}  // namespace recis::orc

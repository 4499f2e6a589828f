// LZO in ORC (LZO1X inside the usual 3-byte chunk headers): the decompressor on a hand-built
// LZO1X stream and on our compressor's output, next to an "original" chunk; corrupt chunks raise
// FormatError naming lzo (and random garbage never crashes); a file of ints, doubles, strings and
// a list written with LZO, holding both compressed and original chunks, reads back exactly.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "recis/orc/column_vector.h"
#include "recis/orc/compressor.h"
#include "recis/orc/decompressor.h"
#include "recis/orc/format_error.h"
#include "recis/orc/reader.h"
#include "recis/orc/writer.h"
#include "support/test_support.h"

namespace recis::orc {
namespace {

using recis::testing::TempDir;

// LZO1X by hand: a first literal run of 4 bytes (17 + 4, "abcd"), an M2 match copying 8 bytes
// from distance 4 (length-1 = 7, distance-1 = 3: 0b111'011'00, then 0x00), the end marker.
const std::string kAbcdTimesThree(
    "\x15"
    "abcd"
    "\xEC\x00"
    "\x11\x00\x00",
    10);

// ORC's chunk header: (length << 1 | is_original), 3 bytes little-endian.
std::string chunk_header(std::size_t length, bool original) {
  const auto word = static_cast<std::uint32_t>(length << 1 | (original ? 1 : 0));
  return {static_cast<char>(word & 0xff), static_cast<char>(word >> 8 & 0xff),
          static_cast<char>(word >> 16 & 0xff)};
}

std::string compressed_chunk(const std::string& lzo) {
  return chunk_header(lzo.size(), false) + lzo;
}

// The FormatError message of decompressing `stream`, or "" (with a failure) when none is thrown.
std::string decompress_error(const std::string& stream, std::uint64_t block_size) {
  Decompressor decompressor(proto::LZO, block_size);
  std::string plain;
  try {
    decompressor.decompress(stream, plain);
  } catch (const FormatError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no FormatError";
  return "";
}

TEST(Lzo, NamesParseAndACompressorIsMade) {
  EXPECT_EQ(compression_from_name("lzo"), proto::LZO);
  EXPECT_EQ(compression_from_name("LZO"), proto::LZO);
  EXPECT_NE(make_compressor(proto::LZO), nullptr);
}

TEST(Lzo, DecompressorDecodesAHandBuiltStreamNextToAnOriginalChunk) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "row " + std::to_string(i % 5) + " of the same few; ";
  std::string ours;
  ASSERT_TRUE(make_compressor(proto::LZO)->compress(text, ours));
  EXPECT_LT(ours.size(), text.size());
  EXPECT_TRUE(ours.ends_with(std::string("\x11\x00\x00", 3))) << "LZO1X end marker";

  const std::string stream =
      compressed_chunk(kAbcdTimesThree) + chunk_header(5, true) + "hello" + compressed_chunk(ours);
  EXPECT_EQ(stream.substr(0, 3), std::string("\x14\x00\x00", 3));  // 10 << 1, compressed
  Decompressor decompressor(proto::LZO, 1024);
  std::string plain;
  decompressor.decompress(stream, plain);
  EXPECT_EQ(plain,
            "abcdabcdabcd"
            "hello" +
                text);

  // Chunk by chunk: the original chunk is a view into the stream itself.
  std::size_t offset = 0;
  std::unique_ptr<char[]> buffer;
  EXPECT_EQ(decompressor.next_chunk(stream, offset, buffer), "abcdabcdabcd");
  const std::string_view original = decompressor.next_chunk(stream, offset, buffer);
  EXPECT_EQ(original, "hello");
  EXPECT_EQ(original.data(), stream.data() + 3 + kAbcdTimesThree.size() + 3);
  EXPECT_EQ(decompressor.next_chunk(stream, offset, buffer), text);
  EXPECT_EQ(offset, stream.size());
}

TEST(Lzo, CompressorDeclinesIncompressibleBytes) {
  std::mt19937_64 rng(3);
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  std::string output;
  EXPECT_FALSE(make_compressor(proto::LZO)->compress(noise, output));
  EXPECT_FALSE(make_compressor(proto::LZO)->compress("", output));
}

TEST(Lzo, CorruptChunksRaiseFormatErrorNamingLzo) {
  struct Case {
    const char* what;
    std::string lzo;
    std::uint64_t block_size;
    const char* expected;
  };
  const std::string match_before_start(
      "\x15"
      "abcd"
      "\xEC\x07"
      "\x11\x00\x00",
      10);
  const Case cases[] = {
      {"truncated", kAbcdTimesThree.substr(0, 7), 64,
       "lzo chunk does not decompress: truncated data"},
      {"empty", "", 64, "lzo chunk does not decompress: truncated data"},
      {"match before the start", match_before_start, 64, "a match reaches before the start"},
      {"trailing bytes", kAbcdTimesThree + "\x42", 64, "bytes after the end marker"},
      {"past the block size", kAbcdTimesThree, 8,
       "lzo chunk decompresses past the compression block size 8"},
      {"all 0xff", std::string(64, '\xff'), 1024, "lzo chunk does not decompress"},
  };
  for (const Case& c : cases) {
    const std::string message = decompress_error(compressed_chunk(c.lzo), c.block_size);
    EXPECT_NE(message.find("compressed chunk at byte 0: "), std::string::npos)
        << c.what << ": " << message;
    EXPECT_NE(message.find(c.expected), std::string::npos) << c.what << ": " << message;
  }
}

TEST(Lzo, RandomGarbageDecodesOrRaisesFormatError) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 2000; ++round) {
    std::string garbage(rng() % 200, '\0');
    for (char& c : garbage) c = static_cast<char>(rng());
    if (round % 2 == 0 && garbage.size() > 1) garbage[0] = static_cast<char>(17 + rng() % 20);
    Decompressor decompressor(proto::LZO, 256);
    std::string plain;
    try {
      decompressor.decompress(compressed_chunk(garbage), plain);
      EXPECT_LE(plain.size(), 256u);
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find("lzo chunk"), std::string::npos) << e.what();
    }
  }
}

constexpr char kSchema[] = "struct<id:bigint,small:int,x:double,name:string,tags:array<bigint>>";

// What the file holds, column by column, as plain values (list elements flattened).
struct Columns {
  std::vector<std::int64_t> id, small, tags, tag_counts;
  std::vector<double> x;
  std::vector<std::string> name;
  std::vector<bool> name_null, tags_null;
  bool operator==(const Columns&) const = default;
};

void append(const ColumnVector& batch, Columns& out) {
  const auto& root = static_cast<const StructVector&>(batch);
  const auto& id = static_cast<const LongVector&>(*root.fields[0]);
  const auto& small = static_cast<const LongVector&>(*root.fields[1]);
  const auto& x = static_cast<const DoubleVector&>(*root.fields[2]);
  const auto& name = static_cast<const BytesVector&>(*root.fields[3]);
  const auto& tags = static_cast<const ListVector&>(*root.fields[4]);
  const auto& elements = static_cast<const LongVector&>(*tags.elements);
  for (std::size_t row = 0; row < root.num_rows; ++row) {
    out.id.push_back(id.values[row]);
    out.small.push_back(small.values[row]);
    out.x.push_back(x.values[row]);
    out.name_null.push_back(name.is_null(row));
    out.name.emplace_back(name.is_null(row) ? "" : name.value(row));
    out.tags_null.push_back(tags.is_null(row));
    const std::int64_t count = tags.is_null(row) ? 0 : tags.offsets[row + 1] - tags.offsets[row];
    out.tag_counts.push_back(count);
    for (std::int64_t i = 0; i < count; ++i)
      out.tags.push_back(elements.values[tags.offsets[row] + i]);
  }
}

// Rows `first`.. of a batch: sequential ids, small ints, random-bit doubles (incompressible),
// strings alternating between a few repeated names and random hex, lists of 0-4 elements.
void fill(ColumnVector& batch, std::size_t first, std::size_t rows, std::mt19937_64& rng) {
  auto& root = static_cast<StructVector&>(batch);
  auto& id = static_cast<LongVector&>(*root.fields[0]);
  auto& small = static_cast<LongVector&>(*root.fields[1]);
  auto& x = static_cast<DoubleVector&>(*root.fields[2]);
  auto& name = static_cast<BytesVector&>(*root.fields[3]);
  auto& tags = static_cast<ListVector&>(*root.fields[4]);
  auto& elements = static_cast<LongVector&>(*tags.elements);
  for (std::size_t row = first; row < first + rows; ++row) {
    id.values.push_back(static_cast<std::int64_t>(row));
    small.values.push_back(static_cast<std::int64_t>(rng() % 1000) - 500);
    double value = std::bit_cast<double>(rng());
    if (std::isnan(value)) value = 0.5;
    x.values.push_back(value);
    name.present.push_back(row % 13 != 0);
    std::string text;
    if (row % 13 != 0 && row % 2 == 0) text = "city-" + std::to_string(row % 7);
    if (row % 13 != 0 && row % 2 == 1) {
      for (int i = 0; i < 16; ++i) text += "0123456789abcdef"[rng() % 16];
    }
    name.bytes.insert(name.bytes.end(), text.begin(), text.end());
    name.offsets.push_back(static_cast<std::int64_t>(name.bytes.size()));
    tags.present.push_back(row % 17 != 0);
    const std::size_t count = row % 17 == 0 ? 0 : rng() % 5;
    for (std::size_t i = 0; i < count; ++i) {
      elements.values.push_back(static_cast<std::int64_t>(rng() >> (rng() % 64)));
    }
    tags.offsets.push_back(static_cast<std::int64_t>(elements.values.size()));
  }
  elements.num_rows = elements.values.size();
  id.num_rows = small.num_rows = x.num_rows = name.num_rows = tags.num_rows = root.num_rows = rows;
}

struct Chunk {
  std::uint64_t offset;  // of the header, in the file
  std::uint64_t length;
  bool original;
  bool in_data;  // in a stripe's data area (not its indexes)
};

// Every chunk of every stream of every stripe, from the chunk headers.
std::vector<Chunk> stripe_chunks(const std::string& bytes, const FileTail& tail) {
  Decompressor decompressor(tail.compression(), tail.block_size());
  std::vector<Chunk> chunks;
  for (const auto& stripe : tail.footer().stripes()) {
    std::string plain;
    decompressor.decompress(
        std::string_view(bytes).substr(
            stripe.offset() + stripe.index_length() + stripe.data_length(), stripe.footer_length()),
        plain);
    proto::StripeFooter footer;
    EXPECT_TRUE(footer.ParseFromString(plain));
    std::uint64_t at = stripe.offset();
    for (const auto& stream : footer.streams()) {
      for (const std::uint64_t end = at + stream.length(); at < end;) {
        const auto* h = reinterpret_cast<const unsigned char*>(bytes.data() + at);
        const std::uint32_t word = h[0] | (h[1] << 8) | (h[2] << 16);
        chunks.push_back(
            {at, word >> 1, (word & 1) != 0, at >= stripe.offset() + stripe.index_length()});
        at += 3 + (word >> 1);
      }
    }
    EXPECT_EQ(at, stripe.offset() + stripe.index_length() + stripe.data_length());
  }
  return chunks;
}

Columns read_all(Reader& reader, std::size_t batch_rows) {
  Columns columns;
  auto batch = reader.make_batch();
  while (reader.next(*batch, batch_rows) > 0) append(*batch, columns);
  return columns;
}

TEST(Lzo, FileWithCompressedAndOriginalChunksReadsBackExactly) {
  TempDir dir;
  const Type schema = Type::parse(kSchema);
  std::mt19937_64 rng(5);
  Columns expected;
  {
    Writer writer(
        dir / "lzo.orc", schema,
        WriterOptions().with_compression(proto::LZO).with_block_size(1024).with_stripe_rows(7000));
    std::size_t first = 0;
    for (std::size_t rows : {10000u, 1u, 9999u}) {
      auto batch = make_column_vector(schema);
      fill(*batch, first, rows, rng);
      first += rows;
      writer.add(*batch);
      append(*batch, expected);
    }
    writer.close();
  }
  const std::string bytes = recis::testing::read_file(dir / "lzo.orc");
  auto reader = Reader::open(dir / "lzo.orc");
  EXPECT_EQ(reader->tail().compression(), proto::LZO);
  EXPECT_EQ(reader->tail().block_size(), 1024u);
  EXPECT_EQ(reader->num_rows(), 20000u);
  EXPECT_GT(reader->num_stripes(), 1u);

  int compressed = 0;
  int original = 0;
  for (const Chunk& chunk : stripe_chunks(bytes, reader->tail())) {
    EXPECT_LE(chunk.length, 1024u);
    ++(chunk.original ? original : compressed);
  }
  EXPECT_GT(compressed, 10);
  EXPECT_GT(original, 10);

  const Columns actual = read_all(*reader, 777);
  ASSERT_EQ(actual.id.size(), expected.id.size());
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.small, expected.small);
  ASSERT_EQ(actual.x.size(), expected.x.size());
  for (std::size_t row = 0; row < expected.x.size(); ++row) {
    ASSERT_EQ(std::bit_cast<std::uint64_t>(actual.x[row]),
              std::bit_cast<std::uint64_t>(expected.x[row]))
        << "row " << row;
  }
  EXPECT_EQ(actual.name, expected.name);
  EXPECT_EQ(actual.name_null, expected.name_null);
  EXPECT_EQ(actual.tags_null, expected.tags_null);
  EXPECT_EQ(actual.tag_counts, expected.tag_counts);
  EXPECT_EQ(actual.tags, expected.tags);
}

TEST(Lzo, ACorruptChunkInAFileRaisesFormatError) {
  TempDir dir;
  const Type schema = Type::parse(kSchema);
  std::mt19937_64 rng(9);
  {
    Writer writer(dir / "lzo.orc", schema,
                  WriterOptions().with_compression(proto::LZO).with_block_size(1024));
    auto batch = make_column_vector(schema);
    fill(*batch, 0, 5000, rng);
    writer.add(*batch);
    writer.close();
  }
  std::string bytes = recis::testing::read_file(dir / "lzo.orc");
  const auto original_reader = Reader::open(dir / "lzo.orc");
  bool corrupted = false;
  for (const Chunk& chunk : stripe_chunks(bytes, original_reader->tail())) {
    if (chunk.in_data && !chunk.original) {
      // All zeros: one literal run whose length never ends, so the chunk is truncated.
      bytes.replace(chunk.offset + 3, chunk.length, chunk.length, '\0');
      corrupted = true;
      break;
    }
  }
  ASSERT_TRUE(corrupted);
  try {
    auto reader = Reader::open(InputFile::from_memory(std::move(bytes), "corrupt.orc"));
    read_all(*reader, 1000);
    ADD_FAILURE() << "no FormatError";
  } catch (const FormatError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("lzo chunk does not decompress: truncated data"), std::string::npos)
        << message;
  }
}

}  // namespace
}  // namespace recis::orc

#include "recis/serialize/core/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "recis/common/error.h"
#include "recis/serialize/core/crc32c.h"
#include "support/test_support.h"

namespace recis::serialize {
namespace {

using recis::testing::read_file;
using recis::testing::TempDir;

std::vector<std::byte> random_bytes(std::size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::byte> bytes(size);
  for (auto& byte : bytes) byte = static_cast<std::byte>(rng());
  return bytes;
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string le64(uint64_t value) {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(value >> (8 * i));
  return bytes;
}

// A SafeTensors file built by hand: length prefix, header text as given, data bytes.
std::string hand_built(const std::string& header, const std::string& data) {
  return le64(header.size()) + header + data;
}

// Writes tensors whole from `contents` (one per spec) and returns the digest.
FileDigest write_whole(const std::filesystem::path& path, const std::vector<TensorSpec>& specs,
                       const std::vector<std::vector<std::byte>>& contents,
                       std::map<std::string, std::string> metadata = {}) {
  SafeTensorsWriter writer(path, specs, std::move(metadata));
  for (std::size_t i = 0; i < specs.size(); ++i) writer.write(i, 0, contents[i]);
  return writer.finish();
}

// ---- an independent minimal parser, written from the format definition ----

struct ParsedTensor {
  std::string dtype;
  std::vector<int64_t> shape;
  std::string data;
};

struct ParsedFile {
  std::map<std::string, ParsedTensor> tensors;
  std::map<std::string, std::string> metadata;
};

ParsedFile parse_independently(const std::string& file) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(file[i]);
  EXPECT_LE(8 + n, file.size());
  EXPECT_EQ((8 + n) % 8, 0u) << "header padded to a multiple of 8";
  const std::string header_text = file.substr(8, n);
  EXPECT_EQ(header_text.front(), '{');
  const auto header = nlohmann::json::parse(header_text);
  const std::string data = file.substr(8 + n);
  ParsedFile parsed;
  uint64_t covered = 0;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      parsed.metadata = entry.get<std::map<std::string, std::string>>();
      continue;
    }
    ParsedTensor tensor;
    tensor.dtype = entry.at("dtype").get<std::string>();
    tensor.shape = entry.at("shape").get<std::vector<int64_t>>();
    const auto offsets = entry.at("data_offsets").get<std::vector<uint64_t>>();
    tensor.data = data.substr(offsets.at(0), offsets.at(1) - offsets.at(0));
    covered += offsets.at(1) - offsets.at(0);
    parsed.tensors[name] = tensor;
  }
  EXPECT_EQ(covered, data.size());
  return parsed;
}

const std::vector<DType> kAllDTypes = {DType::BOOL, DType::U8,   DType::I8,  DType::I16, DType::U16,
                                       DType::F16,  DType::BF16, DType::I32, DType::U32, DType::F32,
                                       DType::F64,  DType::I64,  DType::U64};

TEST(DType, NamesSizesAndParsing) {
  EXPECT_EQ(dtype_name(DType::BF16), "BF16");
  EXPECT_EQ(dtype_name(DType::F32), "F32");
  EXPECT_EQ(dtype_bytes(DType::BOOL), 1u);
  EXPECT_EQ(dtype_bytes(DType::F16), 2u);
  EXPECT_EQ(dtype_bytes(DType::U32), 4u);
  EXPECT_EQ(dtype_bytes(DType::I64), 8u);
  for (DType dtype : kAllDTypes) EXPECT_EQ(parse_dtype(dtype_name(dtype)), dtype);
  EXPECT_THROW(parse_dtype("F8_E4M3"), Error);
  EXPECT_THROW(parse_dtype("f32"), Error);
}

TEST(SafeTensors, RoundTripOfEveryDTypeWithMetadata) {
  TempDir dir;
  const auto path = dir / "all.safetensors";
  std::vector<TensorSpec> specs;
  std::vector<std::vector<std::byte>> contents;
  uint32_t seed = 10;
  for (DType dtype : kAllDTypes) {
    specs.push_back({"t_" + std::string(dtype_name(dtype)), dtype, {3, 5}});
    contents.push_back(random_bytes(15 * dtype_bytes(dtype), seed++));
  }
  specs.push_back({"scalar", DType::F64, {}});
  contents.push_back(random_bytes(8, seed++));
  specs.push_back({"empty", DType::F32, {0, 4}});
  contents.push_back({});
  const std::map<std::string, std::string> metadata = {{"format", "recis"}, {"step", "12"}};
  const FileDigest digest = write_whole(path, specs, contents, metadata);

  SafeTensorsReader reader(path);
  EXPECT_EQ(reader.metadata(), metadata);
  ASSERT_EQ(reader.tensors().size(), specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const TensorInfo& info = reader.at(specs[i].name);
    EXPECT_EQ(info.dtype, specs[i].dtype);
    EXPECT_EQ(info.shape, specs[i].shape);
    EXPECT_EQ(info.bytes(), contents[i].size());
    std::vector<std::byte> back(info.bytes());
    reader.read(static_cast<std::size_t>(&info - reader.tensors().data()), 0, back);
    EXPECT_EQ(back, contents[i]) << specs[i].name;
  }
  EXPECT_EQ(reader.at("t_F32").numel(), 15);
  EXPECT_EQ(reader.at("scalar").numel(), 1);
  EXPECT_EQ(reader.at("empty").numel(), 0);
  EXPECT_EQ(reader.find("absent"), nullptr);
  EXPECT_EQ(reader.file_bytes(), digest.bytes);
  EXPECT_EQ(reader.digest_of_reads().crc32c, digest.crc32c);
}

TEST(SafeTensors, DigestEqualsDigestFileAndCrcOfTheBytes) {
  TempDir dir;
  const auto path = dir / "d.safetensors";
  const auto a = random_bytes(4000, 1), b = random_bytes(808, 2);
  const FileDigest digest =
      write_whole(path, {{"a", DType::F32, {1000}}, {"b", DType::I64, {101}}}, {a, b});
  const std::string bytes = read_file(path);
  EXPECT_EQ(digest.bytes, bytes.size());
  EXPECT_EQ(digest.crc32c, crc32c(bytes.data(), bytes.size()));
  const FileDigest streamed = digest_file(path);
  EXPECT_EQ(streamed.bytes, digest.bytes);
  EXPECT_EQ(streamed.crc32c, digest.crc32c);
}

TEST(SafeTensors, IndependentParserReadsTheWritersFile) {
  TempDir dir;
  const auto path = dir / "w.safetensors";
  const auto ids = random_bytes(8 * 7, 3), rows = random_bytes(4 * 7 * 3, 4),
             half = random_bytes(6, 5);
  write_whole(path,
              {{"ids", DType::I64, {7}}, {"rows", DType::F32, {7, 3}}, {"h", DType::BF16, {3}}},
              {ids, rows, half}, {{"table", "c1"}});
  const ParsedFile parsed = parse_independently(read_file(path));
  EXPECT_EQ(parsed.metadata, (std::map<std::string, std::string>{{"table", "c1"}}));
  ASSERT_EQ(parsed.tensors.size(), 3u);
  const auto as_string = [](const std::vector<std::byte>& b) {
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
  };
  EXPECT_EQ(parsed.tensors.at("ids").dtype, "I64");
  EXPECT_EQ(parsed.tensors.at("ids").shape, std::vector<int64_t>{7});
  EXPECT_EQ(parsed.tensors.at("ids").data, as_string(ids));
  EXPECT_EQ(parsed.tensors.at("rows").dtype, "F32");
  EXPECT_EQ(parsed.tensors.at("rows").shape, (std::vector<int64_t>{7, 3}));
  EXPECT_EQ(parsed.tensors.at("rows").data, as_string(rows));
  EXPECT_EQ(parsed.tensors.at("h").dtype, "BF16");
  EXPECT_EQ(parsed.tensors.at("h").data, as_string(half));
}

TEST(SafeTensors, ParallelChunkedWritesEqualOneWrite) {
  TempDir dir;
  const std::size_t rows = 10000, row_bytes = 4 * 16;
  const auto ids = random_bytes(rows * 8, 6), embedding = random_bytes(rows * row_bytes, 7);
  const std::vector<TensorSpec> specs = {{"ids", DType::I64, {int64_t(rows)}},
                                         {"embedding", DType::F32, {int64_t(rows), 16}}};
  const FileDigest whole = write_whole(dir / "whole.safetensors", specs, {ids, embedding});

  SafeTensorsWriter writer(dir / "chunked.safetensors", specs);
  const std::size_t threads = 4, rows_per_chunk = 333;
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      // Chunks are claimed round-robin and written in descending order: out of file order.
      const std::size_t chunks = (rows + rows_per_chunk - 1) / rows_per_chunk;
      for (std::size_t c = chunks; c-- > 0;) {
        if (c % threads != t) continue;
        const std::size_t begin = c * rows_per_chunk, end = std::min(rows, begin + rows_per_chunk);
        writer.write(0, begin * 8, std::span(ids).subspan(begin * 8, (end - begin) * 8));
        writer.write(1, begin * row_bytes,
                     std::span(embedding).subspan(begin * row_bytes, (end - begin) * row_bytes));
      }
    });
  }
  for (auto& worker : workers) worker.join();
  const FileDigest chunked = writer.finish();
  EXPECT_EQ(chunked.bytes, whole.bytes);
  EXPECT_EQ(chunked.crc32c, whole.crc32c);
  EXPECT_EQ(read_file(dir / "chunked.safetensors"), read_file(dir / "whole.safetensors"));
}

TEST(SafeTensors, ReaderReadsAHandBuiltFile) {
  TempDir dir;
  const auto path = dir / "hand.safetensors";
  // Two F32 values 1.0 and -2.0, then an I16 pair 258, -1; no metadata, no padding.
  const std::string header = R"({"b":{"dtype":"I16","shape":[2],"data_offsets":[8,12]},)"
                             R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  const std::string data = std::string("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8) + "\x02\x01\xff\xff";
  write_bytes(path, hand_built(header, data));
  SafeTensorsReader reader(path);
  ASSERT_EQ(reader.tensors().size(), 2u);
  EXPECT_EQ(reader.tensors()[0].name, "a");  // file order
  EXPECT_EQ(reader.tensors()[1].name, "b");
  EXPECT_TRUE(reader.metadata().empty());
  float floats[2];
  reader.read(0, 0, std::as_writable_bytes(std::span(floats)));
  EXPECT_EQ(floats[0], 1.0f);
  EXPECT_EQ(floats[1], -2.0f);
  int16_t shorts[2];
  reader.read(1, 0, std::as_writable_bytes(std::span(shorts)));
  EXPECT_EQ(shorts[0], 258);
  EXPECT_EQ(shorts[1], -1);
  const std::string bytes = read_file(path);
  EXPECT_EQ(reader.digest_of_reads().crc32c, crc32c(bytes.data(), bytes.size()));

  // A moved reader keeps its file, tensors and the reads recorded so far.
  SafeTensorsReader moved = std::move(reader);
  EXPECT_EQ(moved.at("b").end, 12u);
  EXPECT_EQ(moved.digest_of_reads().crc32c, crc32c(bytes.data(), bytes.size()));
  moved.read(0, 4, std::as_writable_bytes(std::span(floats).first(1)));
  EXPECT_EQ(floats[0], -2.0f);
}

// Expects SafeTensorsReader(path) to throw an Error that starts with the path and mentions `what`.
void expect_refused(const std::filesystem::path& path, const std::string& what) {
  try {
    SafeTensorsReader reader(path);
    ADD_FAILURE() << "accepted " << path << ", expected an error about " << what;
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind(path.string(), 0), 0u) << message;
    EXPECT_NE(message.find(what), std::string::npos) << message;
  }
}

TEST(SafeTensors, RefusesAFileTruncatedAtAnyPoint) {
  TempDir dir;
  const auto path = dir / "full.safetensors";
  write_whole(path, {{"a", DType::F32, {10}}, {"b", DType::U8, {3}}},
              {random_bytes(40, 8), random_bytes(3, 9)}, {{"k", "v"}});
  const std::string bytes = read_file(path);
  const auto cut_path = dir / "cut.safetensors";
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    write_bytes(cut_path, bytes.substr(0, size));
    EXPECT_THROW(SafeTensorsReader reader(cut_path), Error) << "truncated to " << size;
  }
  write_bytes(cut_path, bytes.substr(0, bytes.size() - 1));
  expect_refused(cut_path, "truncated");
  write_bytes(cut_path, bytes.substr(0, 5));
  expect_refused(cut_path, "shorter than the 8-byte");
}

TEST(SafeTensors, RefusesHostileHeaders) {
  TempDir dir;
  const auto path = dir / "bad.safetensors";
  const auto refuse = [&](const std::string& file, const std::string& what) {
    write_bytes(path, file);
    expect_refused(path, what);
  };
  const std::string data8(8, '\x01');
  refuse(le64(uint64_t{1} << 62) + "{}", "exceeds the limit");
  refuse(le64(200) + "{}", "runs past the end of the file");
  refuse(hand_built(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})", data8),
         "not valid JSON");
  refuse(hand_built("[1,2]", ""), "must be a JSON object");
  refuse(hand_built(R"({"a":{"dtype":"F12","shape":[2],"data_offsets":[0,8]}})", data8),
         "unknown SafeTensors dtype 'F12'");
  refuse(hand_built(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", data8),
         "negative dimension");
  refuse(hand_built(R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}})", data8),
         "shape must hold integers");
  refuse(hand_built(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data8),
         "needs 12 bytes");
  refuse(hand_built(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})",
                    data8),
         "more than 2^63 elements");
  refuse(hand_built(R"({"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]}})",
                    data8),
         "more than 2^63 bytes");
  refuse(hand_built(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", data8),
         "end before they begin");
  refuse(hand_built(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", data8),
         "data_offsets must be [begin, end]");
  refuse(hand_built(R"({"a":{"dtype":"F32","shape":[2]}})", data8), "expected the keys");
  refuse(hand_built(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                    R"("b":{"dtype":"U8","shape":[6],"data_offsets":[2,8]}})",
                    data8),
         "overlaps");
  refuse(hand_built(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
                    R"("b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}})",
                    data8),
         "gap");
  refuse(hand_built(R"({"a":{"dtype":"U8","shape":[16],"data_offsets":[0,16]}})", data8),
         "truncated");
  refuse(hand_built(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", data8),
         "trailing bytes");
  refuse(hand_built(R"({"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},)"
                    R"("a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}})",
                    data8),
         "'a' twice");
  refuse(
      hand_built(R"({"__metadata__":{"k":1},"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}})",
                 data8),
      "must be a string");
  refuse(hand_built(R"({"a":{"dtype":"U8","shape":[1],)"
                    R"("data_offsets":[18446744073709551615,18446744073709551615]}})",
                    data8),
         "needs 1 bytes");
}

// Found by safetensors_reader_fuzzer: a header nesting a million arrays overflowed the stack
// when the error message printed it.
TEST(SafeTensors, RefusesDeeplyNestedHeadersWithoutOverflowingTheStack) {
  TempDir dir;
  const auto path = dir / "deep.safetensors";
  const std::size_t depth = 1'000'000;
  write_bytes(path,
              hand_built(R"({"a":)" + std::string(depth, '[') + std::string(depth, ']') + "}", ""));
  expect_refused(path, "header nests deeper than 16 levels");
}

// Keys listed twice inside a tensor's entry used to collapse silently into the last one.
TEST(SafeTensors, RefusesAKeyListedTwiceInATensorEntry) {
  TempDir dir;
  const auto path = dir / "twice.safetensors";
  write_bytes(path, hand_built(R"({"a":{"dtype":"I64","shape":[8],"dtype":"U8",)"
                               R"("data_offsets":[0,8]}})",
                               std::string(8, '\x01')));
  expect_refused(path, "header lists 'dtype' twice");
}

// An error quotes an excerpt of a bad value, not the whole of a header of up to 100 MB.
TEST(SafeTensors, ErrorsQuoteOnlyAnExcerptOfABadValue) {
  TempDir dir;
  const auto path = dir / "long.safetensors";
  std::string shape = "[1";
  for (int i = 0; i < 100'000; ++i) shape += ",1";
  const std::string header =
      R"({"a":{"dtype":"U8","shape":)" + shape + R"(,-0.5],"data_offsets":[0,0]}})";
  write_bytes(path, hand_built(header, ""));
  try {
    SafeTensorsReader reader(path);
    ADD_FAILURE() << "accepted a fractional dimension";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("shape must hold integers below 2^63, got [1,1,1,"), std::string::npos)
        << message.substr(0, 300);
    EXPECT_LT(message.size(), path.string().size() + 300) << message.substr(0, 300);
  }
}

TEST(SafeTensors, WriterRefusesBadSpecs) {
  TempDir dir;
  EXPECT_THROW(SafeTensorsWriter(dir / "x", {{"a", DType::F32, {2}}, {"a", DType::F32, {2}}}),
               Error);
  EXPECT_THROW(SafeTensorsWriter(dir / "x", {{"__metadata__", DType::F32, {2}}}), Error);
  EXPECT_THROW(SafeTensorsWriter(dir / "x", {{"a", DType::F32, {-1}}}), Error);
  EXPECT_THROW(SafeTensorsWriter(dir / "x", {{"a", DType::F64, {int64_t{1} << 62}}}), Error);
  try {
    SafeTensorsWriter(dir / "missing-dir" / "x", {{"a", DType::F32, {2}}});
    ADD_FAILURE() << "opened a file in a missing directory";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find("missing-dir/x"), std::string::npos) << error.what();
  }
}

TEST(SafeTensors, WriteOutsideATensorIsRefused) {
  TempDir dir;
  SafeTensorsWriter writer(dir / "x", {{"a", DType::F32, {2}}});
  const auto bytes = random_bytes(12, 1);
  EXPECT_THROW(writer.write(0, 0, bytes), Error);
  EXPECT_THROW(writer.write(0, 4, std::span(bytes).first(8)), Error);
  EXPECT_THROW(writer.write(1, 0, std::span(bytes).first(4)), Error);
  EXPECT_EQ(writer.index("a"), 0u);
  EXPECT_THROW(writer.index("b"), Error);
}

std::string finish_error(SafeTensorsWriter& writer) {
  try {
    writer.finish();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(SafeTensors, FinishRefusesGapsAndOverlaps) {
  TempDir dir;
  const auto bytes = random_bytes(400, 2);
  const std::vector<TensorSpec> specs = {{"a", DType::F32, {50}}, {"b", DType::F32, {50}}};
  {
    SafeTensorsWriter writer(dir / "gap", specs);
    writer.write(0, 0, std::span(bytes).first(200));
    writer.write(1, 0, std::span(bytes).first(100));
    writer.write(1, 120, std::span(bytes).first(80));
    const std::string message = finish_error(writer);
    EXPECT_EQ(message.rfind((dir / "gap").string(), 0), 0u) << message;
    EXPECT_NE(message.find("tensor 'b' bytes [100, 120) of 200 were not written"),
              std::string::npos)
        << message;
  }
  {
    SafeTensorsWriter writer(dir / "overlap", specs);
    writer.write(0, 0, std::span(bytes).first(200));
    writer.write(1, 0, std::span(bytes).first(200));
    writer.write(1, 40, std::span(bytes).first(8));
    const std::string message = finish_error(writer);
    EXPECT_NE(message.find("tensor 'b' bytes [40, 48) of 200 were written more than once"),
              std::string::npos)
        << message;
  }
  {
    SafeTensorsWriter writer(dir / "tail", specs);
    writer.write(0, 0, std::span(bytes).first(200));
    const std::string message = finish_error(writer);
    EXPECT_NE(message.find("tensor 'b' bytes [0, 200) of 200 were not written"), std::string::npos)
        << message;
  }
}

TEST(SafeTensors, DigestOfReadsCoversTheFileExactlyOnce) {
  TempDir dir;
  const auto path = dir / "r.safetensors";
  const FileDigest digest = write_whole(path, {{"a", DType::U8, {1000}}, {"b", DType::I32, {250}}},
                                        {random_bytes(1000, 3), random_bytes(1000, 4)});
  {
    SafeTensorsReader reader(path);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        std::vector<std::byte> buffer(250);
        reader.read(0, t * 250, buffer);
        reader.read(1, (3 - t) * 250, buffer);
      });
    }
    for (auto& thread : threads) thread.join();
    const FileDigest read_digest = reader.digest_of_reads();
    EXPECT_EQ(read_digest.bytes, digest.bytes);
    EXPECT_EQ(read_digest.crc32c, digest.crc32c);
  }
  {
    SafeTensorsReader reader(path);
    std::vector<std::byte> buffer(1000);
    reader.read(0, 0, buffer);
    reader.read(1, 0, std::span(buffer).first(500));
    reader.read(1, 600, std::span(buffer).first(400));
    try {
      reader.digest_of_reads();
      ADD_FAILURE() << "a skipped region was accepted";
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find("tensor 'b' bytes [500, 600) of 1000 were not read"),
                std::string::npos)
          << error.what();
    }
  }
  {
    SafeTensorsReader reader(path);
    std::vector<std::byte> buffer(1000);
    reader.read(0, 0, buffer);
    reader.read(0, 0, buffer);
    reader.read(1, 0, buffer);
    EXPECT_THROW(reader.digest_of_reads(), Error);
  }
}

TEST(SafeTensors, DigestOfReadsCatchesABitFlip) {
  TempDir dir;
  const auto path = dir / "flip.safetensors";
  const FileDigest digest = write_whole(path, {{"a", DType::U8, {4096}}}, {random_bytes(4096, 5)});
  std::string bytes = read_file(path);
  bytes[bytes.size() - 100] ^= 0x10;
  write_bytes(path, bytes);
  SafeTensorsReader reader(path);
  std::vector<std::byte> buffer(4096);
  reader.read(0, 0, buffer);
  EXPECT_NE(reader.digest_of_reads().crc32c, digest.crc32c);
}

}  // namespace
}  // namespace recis::serialize

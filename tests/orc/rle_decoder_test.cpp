// The run-length decoders on hand-made bytes: the worked examples of the ORC specification
// (ORCv1.md, "Run Length Encoding") for every sub-encoding, runs split across calls, bad runs
// that must throw FormatError, and random values round-tripped through the writer's encoders.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "recis/orc/boolean_decoder.h"
#include "recis/orc/byte_rle_decoder.h"
#include "recis/orc/format_error.h"
#include "recis/orc/int_decoder.h"
#include "recis/orc/integer_encoder.h"
#include "recis/orc/output_stream.h"

namespace recis::orc {
namespace {

std::string bytes_of(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

std::vector<std::int64_t> decode(IntRleVersion version, bool is_signed, const std::string& stream,
                                 std::size_t count) {
  std::vector<std::int64_t> out(count);
  make_int_decoder(version, is_signed, StreamBytes(stream))->next(out.data(), count);
  return out;
}

TEST(RleV2Decoder, ShortRepeatSpecExample) {
  EXPECT_EQ(decode(IntRleVersion::V2, false, bytes_of({0x0a, 0x27, 0x10}), 5),
            std::vector<std::int64_t>(5, 10000));
}

TEST(RleV2Decoder, DirectSpecExample) {
  EXPECT_EQ(decode(IntRleVersion::V2, false,
                   bytes_of({0x5e, 0x03, 0x5c, 0xa1, 0xab, 0x1e, 0xde, 0xad, 0xbe, 0xef}), 4),
            (std::vector<std::int64_t>{23713, 43806, 57005, 48879}));
}

TEST(RleV2Decoder, PatchedBaseSpecExample) {
  const std::string stream =
      bytes_of({0x8e, 0x13, 0x2b, 0x21, 0x07, 0xd0, 0x1e, 0x00, 0x14, 0x70, 0x28, 0x32, 0x3c, 0x46,
                0x50, 0x5a, 0x64, 0x6e, 0x78, 0x82, 0x8c, 0x96, 0xa0, 0xaa, 0xb4, 0xbe, 0xfc, 0xe8});
  EXPECT_EQ(decode(IntRleVersion::V2, false, stream, 20),
            (std::vector<std::int64_t>{2030, 2000, 2020, 1000000, 2040, 2050, 2060, 2070, 2080,
                                       2090, 2100, 2110, 2120, 2130, 2140, 2150, 2160, 2170, 2180,
                                       2190}));
}

TEST(RleV2Decoder, DeltaSpecExample) {
  EXPECT_EQ(decode(IntRleVersion::V2, false,
                   bytes_of({0xc6, 0x09, 0x02, 0x02, 0x22, 0x42, 0x42, 0x46}), 10),
            (std::vector<std::int64_t>{2, 3, 5, 7, 11, 13, 17, 19, 23, 29}));
}

TEST(RleV2Decoder, SignedShortRepeatUnzigzags) {
  // Width 1 byte, 3 values, zigzag 0x03 = -2.
  EXPECT_EQ(decode(IntRleVersion::V2, true, bytes_of({0x00, 0x03}), 3),
            (std::vector<std::int64_t>{-2, -2, -2}));
}

TEST(RleV2Decoder, FixedNegativeDeltaRun) {
  // Delta, width code 0 (fixed delta), 5 values, base 100 (unsigned varint), delta -3 (zigzag 5).
  EXPECT_EQ(decode(IntRleVersion::V2, false, bytes_of({0xc0, 0x04, 0x64, 0x05}), 5),
            (std::vector<std::int64_t>{100, 97, 94, 91, 88}));
}

TEST(RleV2Decoder, RunsSplitAcrossCallsKeepTheirOrder) {
  const std::string stream = bytes_of({0x0a, 0x27, 0x10, 0xc6, 0x09, 0x02, 0x02, 0x22, 0x42,
                                       0x42, 0x46});
  auto decoder = make_int_decoder(IntRleVersion::V2, false, StreamBytes(stream));
  std::vector<std::int64_t> out;
  for (std::size_t step : {2, 1, 4, 3, 5}) {
    std::vector<std::int64_t> part(step);
    decoder->next(part.data(), step);
    out.insert(out.end(), part.begin(), part.end());
  }
  EXPECT_EQ(out, (std::vector<std::int64_t>{10000, 10000, 10000, 10000, 10000, 2, 3, 5, 7, 11,
                                            13, 17, 19, 23, 29}));
}

TEST(RleV2Decoder, TruncatedRunThrows) {
  EXPECT_THROW(decode(IntRleVersion::V2, false, bytes_of({0x5e, 0x03, 0x5c, 0xa1, 0xab}), 4),
               FormatError);
  EXPECT_THROW(decode(IntRleVersion::V2, false, bytes_of({0x0a, 0x27, 0x10}), 6), FormatError);
}

// A hand-made patched-base run: 2 values of 8 bits, 1-byte base 0, one patch entry of 8-bit gap
// and 8-bit patch (16 bits): values [1, 2], patch 1 at gap `gap`.
std::string patched_run(int gap) {
  return bytes_of({0x8e, 0x01, 0x07, 0xe1, 0x00, 0x01, 0x02, gap, 0x01});
}

TEST(RleV2Decoder, PatchSetsTheHighBits) {
  EXPECT_EQ(decode(IntRleVersion::V2, false, patched_run(1), 2),
            (std::vector<std::int64_t>{1, 2 | (1 << 8)}));
}

// Value width 56 + patch width 16 exceeds 64 bits: legal (the spec bounds gap + patch width only;
// Java writes such runs). One value 5, 1-byte base 0, one 17-bit patch entry (gap 0, patch 0x0102):
// the patch's bits above bit 63 fall off, leaving 0x02 << 56.
TEST(RleV2Decoder, PatchWiderThanTheValueKeepsItsLow64Bits) {
  const std::string run =
      bytes_of({0xbc, 0x00, 0x0f, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0x05, 0x00, 0x81, 0x00});
  EXPECT_EQ(decode(IntRleVersion::V2, false, run, 1),
            (std::vector<std::int64_t>{(std::int64_t{2} << 56) | 5}));
}

TEST(RleV2Decoder, PatchPastTheRunThrows) {
  EXPECT_THROW(decode(IntRleVersion::V2, false, patched_run(5), 2), FormatError);
}

TEST(RleV1Decoder, RunSpecExamples) {
  EXPECT_EQ(decode(IntRleVersion::V1, false, bytes_of({0x61, 0x00, 0x07}), 100),
            std::vector<std::int64_t>(100, 7));
  std::vector<std::int64_t> descending(100);
  for (int i = 0; i < 100; ++i) descending[i] = 100 - i;
  EXPECT_EQ(decode(IntRleVersion::V1, false, bytes_of({0x61, 0xff, 0x64}), 100), descending);
}

TEST(RleV1Decoder, LiteralSpecExample) {
  EXPECT_EQ(decode(IntRleVersion::V1, false, bytes_of({0xfb, 0x02, 0x03, 0x06, 0x07, 0x0b}), 5),
            (std::vector<std::int64_t>{2, 3, 6, 7, 11}));
}

TEST(RleV1Decoder, SignedLiteralsUnzigzag) {
  EXPECT_EQ(decode(IntRleVersion::V1, true, bytes_of({0xfd, 0x01, 0x02, 0x03}), 3),
            (std::vector<std::int64_t>{-1, 1, -2}));
}

TEST(RleV1Decoder, OverlongVarintThrows) {
  EXPECT_THROW(decode(IntRleVersion::V1, false,
                      bytes_of({0xff, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                0x01}),
                      1),
               FormatError);
}

TEST(ByteRleDecoder, SpecExamples) {
  const std::string stream = bytes_of({0x61, 0x00, 0xfe, 0x44, 0x45});
  ByteRleDecoder decoder{StreamBytes(stream)};
  std::vector<std::uint8_t> out(102);
  decoder.next(out.data(), out.size());
  std::vector<std::uint8_t> expected(100, 0);
  expected.push_back(0x44);
  expected.push_back(0x45);
  EXPECT_EQ(out, expected);
  std::uint8_t extra;
  EXPECT_THROW(decoder.next(&extra, 1), FormatError);
}

TEST(BooleanDecoder, SpecExampleIsMostSignificantBitFirst) {
  const std::string stream = bytes_of({0xff, 0x80});
  BooleanDecoder decoder{StreamBytes(stream)};
  std::vector<std::uint8_t> out(8);
  decoder.next(out.data(), 8);
  EXPECT_EQ(out, (std::vector<std::uint8_t>{1, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(BooleanDecoder, PartialBytesContinueAcrossCalls) {
  // A run of 3 bytes 0xa5 (10100101) then the literal 0x0f.
  const std::string stream = bytes_of({0x00, 0xa5, 0xff, 0x0f});
  BooleanDecoder decoder{StreamBytes(stream)};
  std::vector<std::uint8_t> all;
  for (std::size_t step : {3, 10, 1, 18}) {
    std::vector<std::uint8_t> part(step);
    decoder.next(part.data(), step);
    all.insert(all.end(), part.begin(), part.end());
  }
  std::vector<std::uint8_t> expected;
  for (std::uint8_t byte : {0xa5, 0xa5, 0xa5, 0x0f}) {
    for (int bit = 7; bit >= 0; --bit) expected.push_back((byte >> bit) & 1);
  }
  EXPECT_EQ(all, expected);
}

// Equivalence with the writer: random values of many shapes survive encode -> decode.
class IntRoundTrip : public ::testing::TestWithParam<std::tuple<IntRleVersion, bool>> {};

TEST_P(IntRoundTrip, RandomRunsDecodeToTheirValues) {
  const auto [version, is_signed] = GetParam();
  std::mt19937_64 rng(42);
  std::vector<std::int64_t> values;
  for (int block = 0; block < 200; ++block) {
    const int shape = static_cast<int>(rng() % 5);
    const std::size_t length = 1 + rng() % 700;
    const int bits = 1 + static_cast<int>(rng() % 63);
    const std::int64_t base = static_cast<std::int64_t>(rng() >> (64 - bits));
    for (std::size_t i = 0; i < length; ++i) {
      std::int64_t v = 0;
      switch (shape) {
        case 0: v = base; break;                                          // repeats
        case 1: v = base + static_cast<std::int64_t>(i) * 7; break;       // fixed delta
        case 2: v = static_cast<std::int64_t>(rng() >> (64 - bits)); break;  // direct
        case 3: v = (rng() % 50 == 0) ? base : static_cast<std::int64_t>(rng() % 100); break;
        default: v = static_cast<std::int64_t>(i * i); break;              // growing deltas
      }
      if (is_signed && (rng() & 1)) v = -v;
      if (!is_signed && v < 0) v = -v;
      values.push_back(v);
    }
  }
  OutputStream stream(nullptr, OutputStream::kMaxBlockSize);
  auto encoder = make_integer_encoder(version, stream, is_signed);
  encoder->add(values.data(), values.size());
  encoder->flush();
  stream.finish();
  auto decoder = make_int_decoder(version, is_signed, StreamBytes(stream.bytes()));
  std::vector<std::int64_t> decoded(values.size());
  std::size_t done = 0;
  for (std::size_t step = 1; done < values.size(); step = step * 3 % 1001 + 1) {
    const std::size_t n = std::min(step, values.size() - done);
    decoder->next(decoded.data() + done, n);
    done += n;
  }
  EXPECT_EQ(decoded, values);
}

INSTANTIATE_TEST_SUITE_P(AllVersions, IntRoundTrip,
                         ::testing::Combine(::testing::Values(IntRleVersion::V1, IntRleVersion::V2),
                                            ::testing::Bool()));

}  // namespace
}  // namespace recis::orc

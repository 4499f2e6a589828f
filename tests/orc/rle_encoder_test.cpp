// The writer's run-length encoders: the specification's worked examples encode to the
// specification's bytes, and encode -> decode (the reader's decoders) returns the input for
// random and adversarial sequences, also when decoding starts at a recorded row-index position.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "recis/orc/boolean_decoder.h"
#include "recis/orc/boolean_encoder.h"
#include "recis/orc/byte_rle_decoder.h"
#include "recis/orc/byte_rle_encoder.h"
#include "recis/orc/int_decoder.h"
#include "recis/orc/integer_encoder.h"

namespace recis::orc {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

Bytes to_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

std::string encode_integers(IntRleVersion version, bool is_signed,
                            const std::vector<std::int64_t>& values) {
  OutputStream out(nullptr, 1024);
  auto encoder = make_integer_encoder(version, out, is_signed);
  encoder->add(values.data(), values.size());
  encoder->flush();
  out.finish();
  return out.bytes();
}

std::vector<std::int64_t> decode_integers(IntRleVersion version, bool is_signed,
                                          std::string_view bytes, std::size_t count) {
  std::vector<std::int64_t> values(count);
  make_int_decoder(version, is_signed, bytes)->next(values.data(), count);
  return values;
}

// Sub-encoding of the first RLEv2 run (the header's top two bits).
int first_sub_encoding(const std::string& bytes) {
  return static_cast<std::uint8_t>(bytes.at(0)) >> 6;
}
constexpr int kShortRepeat = 0, kDirect = 1, kPatchedBase = 2, kDelta = 3;

TEST(ByteRleEncoderTest, SpecExamples) {
  OutputStream out(nullptr, 1024);
  ByteRleEncoder encoder(out);
  for (int i = 0; i < 100; ++i) encoder.add(0);
  encoder.flush();
  encoder.add(0x44);
  encoder.add(0x45);
  encoder.flush();
  EXPECT_EQ(to_bytes(out.bytes()), (Bytes{0x61, 0x00, 0xfe, 0x44, 0x45}));
}

TEST(BooleanEncoderTest, SpecExample) {
  OutputStream out(nullptr, 1024);
  BooleanEncoder encoder(out);
  encoder.add(true);
  for (int i = 0; i < 7; ++i) encoder.add(false);
  encoder.flush();
  EXPECT_EQ(to_bytes(out.bytes()), (Bytes{0xff, 0x80}));
}

TEST(RleV1EncoderTest, SpecExamples) {
  EXPECT_EQ(to_bytes(encode_integers(IntRleVersion::V1, false, std::vector<std::int64_t>(100, 7))),
            (Bytes{0x61, 0x00, 0x07}));
  std::vector<std::int64_t> down;
  for (int v = 100; v >= 1; --v) down.push_back(v);
  EXPECT_EQ(to_bytes(encode_integers(IntRleVersion::V1, false, down)), (Bytes{0x61, 0xff, 0x64}));
  EXPECT_EQ(to_bytes(encode_integers(IntRleVersion::V1, false, {2, 3, 6, 7, 11})),
            (Bytes{0xfb, 0x02, 0x03, 0x06, 0x07, 0x0b}));
}

TEST(RleV2EncoderTest, SpecShortRepeat) {
  EXPECT_EQ(to_bytes(encode_integers(IntRleVersion::V2, false, std::vector<std::int64_t>(5, 10000))),
            (Bytes{0x0a, 0x27, 0x10}));
}

TEST(RleV2EncoderTest, SpecDirect) {
  EXPECT_EQ(to_bytes(encode_integers(IntRleVersion::V2, false, {23713, 43806, 57005, 48879})),
            (Bytes{0x5e, 0x03, 0x5c, 0xa1, 0xab, 0x1e, 0xde, 0xad, 0xbe, 0xef}));
}

TEST(RleV2EncoderTest, SpecPatchedBase) {
  const std::vector<std::int64_t> values = {2030, 2000, 2020, 1000000, 2040, 2050, 2060,
                                            2070, 2080, 2090, 2100, 2110, 2120, 2130,
                                            2140, 2150, 2160, 2170, 2180, 2190};
  EXPECT_EQ(to_bytes(encode_integers(IntRleVersion::V2, false, values)),
            (Bytes{0x8e, 0x13, 0x2b, 0x21, 0x07, 0xd0, 0x1e, 0x00, 0x14, 0x70,
                   0x28, 0x32, 0x3c, 0x46, 0x50, 0x5a, 0x64, 0x6e, 0x78, 0x82,
                   0x8c, 0x96, 0xa0, 0xaa, 0xb4, 0xbe, 0xfc, 0xe8}));
}

TEST(RleV2EncoderTest, SpecDelta) {
  EXPECT_EQ(to_bytes(encode_integers(IntRleVersion::V2, false, {2, 3, 5, 7, 11, 13, 17, 19, 23, 29})),
            (Bytes{0xc6, 0x09, 0x02, 0x02, 0x22, 0x42, 0x42, 0x46}));
}

TEST(RleV2EncoderTest, ChoosesTheSubEncodingTheApacheWritersChoose) {
  auto sub = [](const std::vector<std::int64_t>& values) {
    return first_sub_encoding(encode_integers(IntRleVersion::V2, true, values));
  };
  EXPECT_EQ(sub(std::vector<std::int64_t>(10, -3)), kShortRepeat);
  EXPECT_EQ(sub(std::vector<std::int64_t>(11, -3)), kDelta);  // long run: fixed delta 0
  EXPECT_EQ(sub({5, 1, 9, 4, 7, 2}), kDirect);
  EXPECT_EQ(sub({1, 2, 4, 8, 16, 32}), kDelta);
  EXPECT_EQ(sub({100, 90, 85, 10, -40}), kDelta);
  std::vector<std::int64_t> outliers(100);
  for (int i = 0; i < 100; ++i) outliers[i] = (i * 7) % 13;
  outliers[40] = std::int64_t{1} << 40;
  EXPECT_EQ(sub(outliers), kPatchedBase);
}

TEST(RleV2EncoderTest, SplitsARunOffTheLiteralsBeforeIt) {
  // [1, 5] as DIRECT (4-bit width), then three 7s as SHORT_REPEAT.
  EXPECT_EQ(to_bytes(encode_integers(IntRleVersion::V2, false, {1, 5, 7, 7, 7})),
            (Bytes{0x46, 0x01, 0x15, 0x00, 0x07}));
}

// Sequences that exercise every branch: runs of every length around the limits, monotone
// stretches, outliers, extreme values and noise.
std::vector<std::vector<std::int64_t>> adversarial_sequences(bool is_signed) {
  std::mt19937_64 rng(7);
  std::vector<std::vector<std::int64_t>> sequences;
  const std::int64_t low = is_signed ? kMin : 0;
  for (int length : {1, 2, 3, 4, 9, 10, 11, 127, 128, 129, 130, 131, 511, 512, 513, 1500}) {
    sequences.push_back(std::vector<std::int64_t>(length, is_signed ? -42 : 42));
    std::vector<std::int64_t> up(length), down(length), noise(length), wide(length);
    for (int i = 0; i < length; ++i) {
      up[i] = i * 3 + (i % 5 == 0 ? 1 : 0);
      down[i] = 1'000'000 - i * 1000;
      noise[i] = static_cast<std::int64_t>(rng() % 1000) - (is_signed ? 500 : 0);
      wide[i] = is_signed ? static_cast<std::int64_t>(rng()) : static_cast<std::int64_t>(rng() >> 1);
    }
    sequences.insert(sequences.end(), {up, down, noise, wide});
  }
  std::vector<std::int64_t> extremes;
  for (int i = 0; i < 700; ++i) extremes.push_back(i % 3 == 0 ? low : (i % 3 == 1 ? kMax : 0));
  sequences.push_back(extremes);
  sequences.push_back({low, low, low, kMax, kMax, kMax, kMax, low});
  sequences.push_back({kMax, kMax - 1, kMax - 2, kMax - 3});
  sequences.push_back({low, low + 1, low + 2, low + 5});
  std::vector<std::int64_t> patched(2000);
  for (int i = 0; i < 2000; ++i) {
    patched[i] = 1000 + static_cast<std::int64_t>(rng() % 100);
    if (rng() % 40 == 0) patched[i] = static_cast<std::int64_t>(rng() >> 8);
    if (is_signed && i % 3 == 0) patched[i] = -patched[i];
  }
  sequences.push_back(patched);
  std::vector<std::int64_t> sparse_outliers(1024, 3);  // gaps above 255 between patches
  for (int i = 0; i < 1024; ++i) sparse_outliers[i] = i % 7;
  sparse_outliers[0] = std::int64_t{1} << 50;
  sparse_outliers[300] = std::int64_t{1} << 45;
  sparse_outliers[511] = std::int64_t{1} << 33;
  sequences.push_back(sparse_outliers);
  std::vector<std::int64_t> wide_patches(200);  // 9-bit values, 63-bit outliers
  for (int i = 0; i < 200; ++i) wide_patches[i] = static_cast<std::int64_t>(rng() % 400);
  wide_patches[17] = kMax - 5;
  sequences.push_back(wide_patches);
  std::vector<std::int64_t> runs_and_literals;
  for (int block = 0; block < 300; ++block) {
    const int run = static_cast<int>(rng() % 14);
    const std::int64_t value = static_cast<std::int64_t>(rng() % 50);
    for (int i = 0; i < run; ++i) runs_and_literals.push_back(value);
    runs_and_literals.push_back(static_cast<std::int64_t>(rng() % 70000));
  }
  sequences.push_back(runs_and_literals);
  return sequences;
}

class IntegerEncoderRoundTrip
    : public ::testing::TestWithParam<std::tuple<IntRleVersion, bool>> {};

TEST_P(IntegerEncoderRoundTrip, DecodesToTheInput) {
  const auto [version, is_signed] = GetParam();
  for (const auto& values : adversarial_sequences(is_signed)) {
    const std::string bytes = encode_integers(version, is_signed, values);
    ASSERT_EQ(decode_integers(version, is_signed, bytes, values.size()), values)
        << "sequence of " << values.size() << " values starting " << values.front();
  }
}

TEST_P(IntegerEncoderRoundTrip, DecodingFromARecordedPositionResumesThere) {
  const auto [version, is_signed] = GetParam();
  for (const auto& values : adversarial_sequences(is_signed)) {
    OutputStream out(nullptr, 1024);
    auto encoder = make_integer_encoder(version, out, is_signed);
    const std::size_t mark = values.size() / 3;
    std::vector<std::uint64_t> position;
    encoder->add(values.data(), mark);
    encoder->record_position(position);
    encoder->add(values.data() + mark, values.size() - mark);
    encoder->flush();
    out.finish();
    ASSERT_EQ(position.size(), 2u);
    const std::string_view rest = std::string_view(out.bytes()).substr(position[0]);
    auto decoded = decode_integers(version, is_signed, rest, values.size() - mark + position[1]);
    decoded.erase(decoded.begin(), decoded.begin() + static_cast<std::ptrdiff_t>(position[1]));
    ASSERT_EQ(decoded, std::vector<std::int64_t>(values.begin() + static_cast<std::ptrdiff_t>(mark), values.end()));
  }
}

INSTANTIATE_TEST_SUITE_P(AllEncoders, IntegerEncoderRoundTrip,
                         ::testing::Combine(::testing::Values(IntRleVersion::V1, IntRleVersion::V2),
                                            ::testing::Bool()));

TEST(ByteRleEncoderTest, RoundTripsRunsAndLiterals) {
  std::mt19937 rng(3);
  std::vector<std::uint8_t> values;
  for (int block = 0; block < 400; ++block) {
    const int run = static_cast<int>(rng() % 200);
    const auto value = static_cast<std::uint8_t>(rng());
    for (int i = 0; i < run; ++i) values.push_back(value);
    for (int i = static_cast<int>(rng() % 300); i > 0; --i) values.push_back(static_cast<std::uint8_t>(rng() % 4));
  }
  OutputStream out(nullptr, 1024);
  ByteRleEncoder encoder(out);
  for (auto v : values) encoder.add(v);
  encoder.flush();
  std::vector<std::uint8_t> decoded(values.size());
  ByteRleDecoder(StreamBytes(out.bytes())).next(decoded.data(), decoded.size());
  EXPECT_EQ(decoded, values);
}

TEST(BooleanEncoderTest, RoundTripsAndResumesAtARecordedPosition) {
  std::mt19937 rng(5);
  std::vector<std::uint8_t> bits;
  for (int i = 0; i < 20000; ++i) bits.push_back(i % 1000 < 600 ? 1 : static_cast<std::uint8_t>(rng() % 2));
  OutputStream out(nullptr, 1024);
  BooleanEncoder encoder(out);
  const std::size_t mark = 12345;
  std::vector<std::uint64_t> position;
  for (std::size_t i = 0; i < bits.size(); ++i) {
    if (i == mark) encoder.record_position(position);
    encoder.add(bits[i] != 0);
  }
  encoder.flush();
  std::vector<std::uint8_t> decoded(bits.size());
  BooleanDecoder(StreamBytes(out.bytes())).next(decoded.data(), decoded.size());
  EXPECT_EQ(decoded, bits);

  // [byte offset, bytes buffered in the RLE group, bits taken in the current byte]
  ASSERT_EQ(position.size(), 3u);
  BooleanDecoder resumed(std::string_view(out.bytes()).substr(position[0]));
  const std::size_t skip = position[1] * 8 + position[2];
  std::vector<std::uint8_t> tail(bits.size() - mark + skip);
  resumed.next(tail.data(), tail.size());
  tail.erase(tail.begin(), tail.begin() + static_cast<std::ptrdiff_t>(skip));
  EXPECT_EQ(tail, std::vector<std::uint8_t>(bits.begin() + static_cast<std::ptrdiff_t>(mark), bits.end()));
}

}  // namespace
}  // namespace recis::orc

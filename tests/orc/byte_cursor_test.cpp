// ByteCursor over compressed streams, decoded a chunk at a time: with tiny compression blocks
// every run header, varint and bit-packed run straddles chunk boundaries, and the values must
// equal the encoder's input for every codec and both RLE versions; take() across chunks, the
// bound on what is left, and truncation.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "recis/orc/byte_cursor.h"
#include "recis/orc/compressor.h"
#include "recis/orc/decompressor.h"
#include "recis/orc/format_error.h"
#include "recis/orc/int_decoder.h"
#include "recis/orc/integer_encoder.h"
#include "recis/orc/output_stream.h"

namespace recis::orc {
namespace {

const proto::CompressionKind kCodecs[] = {proto::ZLIB, proto::SNAPPY, proto::LZO, proto::LZ4,
                                          proto::ZSTD};

// Runs of every RLE shape: repeats, deltas, narrow and wide random values, negatives.
std::vector<std::int64_t> mixed_values() {
  std::mt19937_64 rng(7);
  std::vector<std::int64_t> values;
  for (int block = 0; block < 40; ++block) {
    const int shape = block % 4;
    for (int i = 0; i < 97; ++i) {
      switch (shape) {
        case 0: values.push_back(42); break;
        case 1: values.push_back(1000 + 3 * i); break;
        case 2: values.push_back(static_cast<std::int64_t>(rng() % 300) - 150); break;
        default: values.push_back(static_cast<std::int64_t>(rng() >> 3)); break;
      }
    }
  }
  return values;
}

std::string encode(proto::CompressionKind codec, std::size_t block_size, IntRleVersion version,
                   const std::vector<std::int64_t>& values) {
  const auto compressor = make_compressor(codec);
  OutputStream out(compressor.get(), block_size);
  auto encoder = make_integer_encoder(version, out, /*is_signed=*/true);
  encoder->add(values.data(), values.size());
  encoder->flush();
  out.finish();
  return out.bytes();
}

std::string compress(proto::CompressionKind codec, std::size_t block_size,
                     const std::string& plain) {
  const auto compressor = make_compressor(codec);
  OutputStream out(compressor.get(), block_size);
  out.write(plain.data(), plain.size());
  out.finish();
  return out.bytes();
}

TEST(ByteCursor, IntegerRunsDecodeAcrossTinyCompressionBlocks) {
  const std::vector<std::int64_t> values = mixed_values();
  for (const proto::CompressionKind codec : kCodecs) {
    for (const std::size_t block_size : {std::size_t{5}, std::size_t{64}, std::size_t{4096}}) {
      for (const IntRleVersion version : {IntRleVersion::V1, IntRleVersion::V2}) {
        const std::string stream = encode(codec, block_size, version, values);
        Decompressor decompressor(codec, block_size);
        std::vector<std::int64_t> decoded(values.size());
        make_int_decoder(version, true, StreamBytes(stream, &decompressor))
            ->next(decoded.data(), decoded.size());
        EXPECT_EQ(decoded, values) << compression_name(codec) << " block " << block_size
                                   << (version == IntRleVersion::V1 ? " v1" : " v2");
      }
    }
  }
}

TEST(ByteCursor, TakeJoinsChunksAndTheBoundCoversWhatIsLeft) {
  std::string plain;
  for (int i = 0; i < 5000; ++i) plain.push_back(static_cast<char>((i * 31) % 251));
  for (const proto::CompressionKind codec : kCodecs) {
    const std::string stream = compress(codec, 16, plain);
    Decompressor decompressor(codec, 16);
    ByteCursor cursor(StreamBytes(stream, &decompressor));
    EXPECT_GE(cursor.remaining_at_most(), plain.size());
    std::string read;
    for (std::size_t size = 1; read.size() < plain.size(); size = size * 2 + 1) {
      const std::size_t n = std::min(size, plain.size() - read.size());
      read.append(reinterpret_cast<const char*>(cursor.take(n)), n);
      EXPECT_GE(cursor.remaining_at_most(), plain.size() - read.size());
    }
    EXPECT_EQ(read, plain) << compression_name(codec);
    EXPECT_THROW(cursor.read_byte(), FormatError);
    EXPECT_EQ(cursor.remaining_at_most(), 0u);
  }
}

TEST(ByteCursor, ATruncatedCompressedStreamThrowsFormatError) {
  const std::vector<std::int64_t> values = mixed_values();
  const std::string stream = encode(proto::ZSTD, 64, IntRleVersion::V2, values);
  Decompressor decompressor(proto::ZSTD, 64);
  const std::string cut = stream.substr(0, stream.size() / 2);
  std::vector<std::int64_t> decoded(values.size());
  auto decoder = make_int_decoder(IntRleVersion::V2, true, StreamBytes(cut, &decompressor));
  EXPECT_THROW(decoder->next(decoded.data(), decoded.size()), FormatError);
}

}  // namespace
}  // namespace recis::orc

// The writer's compression strategies: for zlib and zstd, Compression (the libraries' default
// levels) packs a compressible stream at least as small as Speed (Apache's levels), both decode to
// the same bytes, and strategy names parse as Apache spells them.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "recis/common/error.h"
#include "recis/orc/compressor.h"
#include "recis/orc/decompressor.h"
#include "recis/orc/output_stream.h"

namespace recis::orc {
namespace {

std::string stream_of(proto::CompressionKind codec, CompressionStrategy strategy,
                      const std::string& plain) {
  const auto compressor = make_compressor(codec, strategy);
  OutputStream out(compressor.get(), 64 * 1024);
  out.write(plain.data(), plain.size());
  out.finish();
  return out.bytes();
}

TEST(CompressionStrategy, CompressionPacksAtLeastAsSmallAsSpeedAndBothDecodeTheSame) {
  // Log-like text: repeated words with random numbers, so the levels differ.
  std::mt19937_64 rng(3);
  std::string plain;
  while (plain.size() < 600'000) {
    plain += "user=" + std::to_string(rng() % 5000) + " item=" + std::to_string(rng() % 700) +
             (rng() % 3 ? " click\n" : " view\n");
  }
  for (const proto::CompressionKind codec : {proto::ZLIB, proto::ZSTD}) {
    const std::string speed = stream_of(codec, CompressionStrategy::Speed, plain);
    const std::string compression = stream_of(codec, CompressionStrategy::Compression, plain);
    EXPECT_LT(compression.size(), speed.size()) << compression_name(codec);
    EXPECT_LT(speed.size(), plain.size() / 2) << compression_name(codec);
    for (const std::string* stream : {&speed, &compression}) {
      Decompressor decompressor(codec, 64 * 1024);
      std::string decoded;
      decompressor.decompress(*stream, decoded);
      EXPECT_EQ(decoded, plain) << compression_name(codec);
    }
  }
}

TEST(CompressionStrategy, NamesParseInAnyCaseAndOthersAreRefused) {
  EXPECT_EQ(compression_strategy_from_name("SPEED"), CompressionStrategy::Speed);
  EXPECT_EQ(compression_strategy_from_name("compression"), CompressionStrategy::Compression);
  try {
    compression_strategy_from_name("fast");
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "unknown compression strategy 'fast' (expected speed or compression)");
  }
}

}  // namespace
}  // namespace recis::orc

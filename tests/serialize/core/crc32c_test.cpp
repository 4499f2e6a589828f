#include "recis/serialize/core/crc32c.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace recis::serialize {
namespace {

// Bit-at-a-time CRC-32C straight from the definition: the reference the fast paths must match.
uint32_t crc32c_bitwise(const unsigned char* data, std::size_t size) {
  uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
  }
  return ~crc;
}

std::vector<unsigned char> random_bytes(std::size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<unsigned char> bytes(size);
  for (auto& byte : bytes) byte = static_cast<unsigned char>(rng());
  return bytes;
}

TEST(Crc32c, GoldenValuesFromRfc3720) {
  const std::string digits = "123456789";
  EXPECT_EQ(crc32c(digits.data(), digits.size()), 0xE3069283u);

  std::vector<unsigned char> zeros(32, 0x00), ones(32, 0xFF), ascending(32), descending(32);
  for (int i = 0; i < 32; ++i) {
    ascending[i] = static_cast<unsigned char>(i);
    descending[i] = static_cast<unsigned char>(31 - i);
  }
  EXPECT_EQ(crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones.data(), ones.size()), 0x62A8AB43u);
  EXPECT_EQ(crc32c(ascending.data(), ascending.size()), 0x46DD794Eu);
  EXPECT_EQ(crc32c(descending.data(), descending.size()), 0x113FDB5Cu);
  EXPECT_EQ(crc32c(nullptr, 0), 0u);
}

TEST(Crc32c, GoldenValuesOnBothPaths) {
  const std::string digits = "123456789";
  EXPECT_EQ(crc32c_extend_portable(0, digits.data(), digits.size()), 0xE3069283u);
  if (!crc32c_hardware_available()) GTEST_SKIP() << "this CPU has no SSE4.2";
  EXPECT_EQ(crc32c_extend_hardware(0, digits.data(), digits.size()), 0xE3069283u);
}

TEST(Crc32c, PortableMatchesBitwiseReference) {
  const auto bytes = random_bytes(4103 + 3, 1);
  for (std::size_t size : {0, 1, 7, 8, 9, 63, 64, 65, 1000, 4103}) {
    for (std::size_t start : {0, 1, 3}) {
      EXPECT_EQ(crc32c_extend_portable(0, bytes.data() + start, size),
                crc32c_bitwise(bytes.data() + start, size))
          << "size " << size << " start " << start;
    }
  }
}

TEST(Crc32c, HardwareMatchesPortableOnRandomSizesAndAlignments) {
  if (!crc32c_hardware_available()) GTEST_SKIP() << "this CPU has no SSE4.2";
  const auto bytes = random_bytes(3 * 8192 * 2 + 4096, 2);
  std::mt19937 rng(3);
  // Sizes around the three-stream thresholds (3 x 256 and 3 x 8192 bytes) and random ones.
  std::vector<std::size_t> sizes = {0, 1, 7, 8, 767, 768, 769, 24575, 24576, 24577, 49152, 50000};
  for (int i = 0; i < 200; ++i) sizes.push_back(rng() % (bytes.size() - 16));
  for (std::size_t size : sizes) {
    const std::size_t start = rng() % 16;
    const uint32_t seed_crc = rng();
    EXPECT_EQ(crc32c_extend_hardware(seed_crc, bytes.data() + start, size),
              crc32c_extend_portable(seed_crc, bytes.data() + start, size))
        << "size " << size << " start " << start;
  }
}

TEST(Crc32c, ExtendEqualsWhole) {
  const auto bytes = random_bytes(100000, 4);
  const uint32_t whole = crc32c(bytes.data(), bytes.size());
  std::mt19937 rng(5);
  for (int i = 0; i < 50; ++i) {
    const std::size_t split = rng() % (bytes.size() + 1);
    const uint32_t first = crc32c(bytes.data(), split);
    EXPECT_EQ(crc32c_extend(first, bytes.data() + split, bytes.size() - split), whole);
  }
}

TEST(Crc32c, CombineEqualsWholeForRandomSplitsIncludingEmptyParts) {
  const auto bytes = random_bytes(70000, 6);
  const uint32_t whole = crc32c(bytes.data(), bytes.size());
  std::mt19937 rng(7);
  std::vector<std::size_t> splits = {0, bytes.size(), 1, bytes.size() - 1};
  for (int i = 0; i < 50; ++i) splits.push_back(rng() % (bytes.size() + 1));
  for (std::size_t split : splits) {
    const uint32_t a = crc32c(bytes.data(), split);
    const uint32_t b = crc32c(bytes.data() + split, bytes.size() - split);
    EXPECT_EQ(crc32c_combine(a, b, bytes.size() - split), whole) << "split " << split;
  }
}

TEST(Crc32c, CombineManyChunksInOrder) {
  const auto bytes = random_bytes(50000, 8);
  std::mt19937 rng(9);
  uint32_t combined = 0;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::size_t size = std::min<std::size_t>(rng() % 3000, bytes.size() - at);
    combined = crc32c_combine(combined, crc32c(bytes.data() + at, size), size);
    at += size;
  }
  EXPECT_EQ(combined, crc32c(bytes.data(), bytes.size()));
}

TEST(Crc32c, CombineWithHugeLengthOfZeros) {
  // Appending 2^33 zero bytes in one combine equals appending 2^32 twice.
  const std::string digits = "123456789";
  const uint32_t a = crc32c(digits.data(), digits.size());
  const uint64_t half = uint64_t{1} << 32;
  // combine(a, 0, n) multiplies a by x^(8n) mod P: lengths past 2^32 use the upper powers of x.
  const uint32_t twice = crc32c_combine(crc32c_combine(a, 0, half), 0, half);
  EXPECT_EQ(crc32c_combine(a, 0, 2 * half), twice);
  EXPECT_NE(twice, a);
}

}  // namespace
}  // namespace recis::serialize

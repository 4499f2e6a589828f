#include "recis/serialize/core/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

#include "recis/common/error.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace recis::serialize {
namespace {

// The polynomial in reflected bit order: bit 31 is x^0, bit 0 is x^31.
constexpr uint32_t kPolynomial = 0x82F63B78u;
constexpr uint32_t kOne = 1u << 31;  // the polynomial "1" (x^0) in reflected order

// Slicing-by-8 tables: kTables[k][b] is the CRC register after byte b followed by k zero bytes.
using SliceTables = std::array<std::array<uint32_t, 256>, 8>;

constexpr SliceTables make_slice_tables() {
  SliceTables tables{};
  for (uint32_t byte = 0; byte < 256; ++byte) {
    uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ kPolynomial : crc >> 1;
    tables[0][byte] = crc;
  }
  for (int k = 1; k < 8; ++k) {
    for (uint32_t byte = 0; byte < 256; ++byte) {
      const uint32_t previous = tables[k - 1][byte];
      tables[k][byte] = (previous >> 8) ^ tables[0][previous & 0xFF];
    }
  }
  return tables;
}

constexpr SliceTables kSliceTables = make_slice_tables();

uint64_t load_le64(const unsigned char* p) {
  uint64_t value;
  std::memcpy(&value, p, sizeof value);
  if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap64(value);
  return value;
}

// a * b modulo the polynomial, both in reflected order.
uint32_t multiply_mod_p(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t mask = kOne; mask != 0; mask >>= 1) {
    if (a & mask) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPolynomial : b >> 1;
  }
  return product;
}

// kPowers[k] == x^(2^k) mod p, for k in [0, 67): enough for x^(8 * n) with any 64-bit n.
constexpr int kPowerCount = 67;
using PowerTable = std::array<uint32_t, kPowerCount>;

const PowerTable& powers_of_x() {
  static const PowerTable table = [] {
    PowerTable powers{};
    powers[0] = kOne >> 1;  // x^1
    for (int k = 1; k < kPowerCount; ++k) powers[k] = multiply_mod_p(powers[k - 1], powers[k - 1]);
    return powers;
  }();
  return table;
}

// x^(8 * bytes) mod p: multiplying a CRC register by it appends `bytes` zero bytes.
uint32_t x_to_8n(uint64_t bytes) {
  const PowerTable& powers = powers_of_x();
  uint32_t result = kOne;
  for (int k = 3; bytes != 0; bytes >>= 1, ++k) {
    if (bytes & 1) result = multiply_mod_p(powers[k], result);
  }
  return result;
}

#if defined(__x86_64__)

// Appending a fixed number of zero bytes to a CRC register, as four byte-indexed tables (the
// operation is linear in the register's bits).
class ZeroAppender {
 public:
  explicit ZeroAppender(uint64_t zero_bytes) {
    const uint32_t factor = x_to_8n(zero_bytes);
    for (int k = 0; k < 4; ++k) {
      for (uint32_t byte = 0; byte < 256; ++byte) {
        tables_[k][byte] = multiply_mod_p(factor, byte << (8 * k));
      }
    }
  }
  uint32_t operator()(uint32_t crc) const {
    return tables_[0][crc & 0xFF] ^ tables_[1][(crc >> 8) & 0xFF] ^ tables_[2][(crc >> 16) & 0xFF] ^
           tables_[3][crc >> 24];
  }

 private:
  std::array<std::array<uint32_t, 256>, 4> tables_;
};

// Stream lengths of the three-way interleaved loop: long for bulk data, short for the tail.
constexpr std::size_t kLongStream = 8192;
constexpr std::size_t kShortStream = 256;

const ZeroAppender& long_appender() {
  static const ZeroAppender appender(kLongStream);
  return appender;
}
const ZeroAppender& short_appender() {
  static const ZeroAppender appender(kShortStream);
  return appender;
}

// Runs three streams of `stream` bytes each through the crc32 unit in parallel (its latency is
// three cycles, its throughput one per cycle) and joins them by appending zeros.
__attribute__((target("sse4.2"))) uint64_t crc_three_streams(uint64_t crc, const unsigned char*& p,
                                                             std::size_t stream,
                                                             const ZeroAppender& appender) {
  uint64_t crc1 = 0, crc2 = 0;
  const unsigned char* end = p + stream;
  for (; p < end; p += 8) {
    crc = _mm_crc32_u64(crc, load_le64(p));
    crc1 = _mm_crc32_u64(crc1, load_le64(p + stream));
    crc2 = _mm_crc32_u64(crc2, load_le64(p + 2 * stream));
  }
  p += 2 * stream;
  crc = appender(static_cast<uint32_t>(crc)) ^ crc1;
  return appender(static_cast<uint32_t>(crc)) ^ crc2;
}

__attribute__((target("sse4.2"))) uint32_t extend_sse42(uint32_t crc_in, const void* data,
                                                        std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t crc = ~crc_in;
  while (size > 0 && reinterpret_cast<uintptr_t>(p) % 8 != 0) {
    crc = _mm_crc32_u8(static_cast<uint32_t>(crc), *p++);
    --size;
  }
  if (size >= 3 * kLongStream) {
    const ZeroAppender& appender = long_appender();
    for (; size >= 3 * kLongStream; size -= 3 * kLongStream) {
      crc = crc_three_streams(crc, p, kLongStream, appender);
    }
  }
  if (size >= 3 * kShortStream) {
    const ZeroAppender& appender = short_appender();
    for (; size >= 3 * kShortStream; size -= 3 * kShortStream) {
      crc = crc_three_streams(crc, p, kShortStream, appender);
    }
  }
  for (; size >= 8; size -= 8, p += 8) crc = _mm_crc32_u64(crc, load_le64(p));
  for (; size > 0; --size) crc = _mm_crc32_u8(static_cast<uint32_t>(crc), *p++);
  return ~static_cast<uint32_t>(crc);
}

#endif  // __x86_64__

using ExtendFunction = uint32_t (*)(uint32_t, const void*, std::size_t);

ExtendFunction choose_extend() {
  return crc32c_hardware_available() ? crc32c_extend_hardware : crc32c_extend_portable;
}

}  // namespace

uint32_t crc32c_extend_portable(uint32_t crc, const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  const SliceTables& t = kSliceTables;
  crc = ~crc;
  for (; size >= 8; size -= 8, p += 8) {
    const uint64_t word = load_le64(p) ^ crc;
    crc = t[7][word & 0xFF] ^ t[6][(word >> 8) & 0xFF] ^ t[5][(word >> 16) & 0xFF] ^
          t[4][(word >> 24) & 0xFF] ^ t[3][(word >> 32) & 0xFF] ^ t[2][(word >> 40) & 0xFF] ^
          t[1][(word >> 48) & 0xFF] ^ t[0][word >> 56];
  }
  for (; size > 0; --size) crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xFF];
  return ~crc;
}

bool crc32c_hardware_available() {
#if defined(__x86_64__)
  static const bool available = __builtin_cpu_supports("sse4.2");
  return available;
#else
  return false;
#endif
}

uint32_t crc32c_extend_hardware(uint32_t crc, const void* data, std::size_t size) {
#if defined(__x86_64__)
  return extend_sse42(crc, data, size);
#else
  throw Error("crc32c_extend_hardware: this build has no hardware CRC-32C for this CPU");
#endif
}

uint32_t crc32c_extend(uint32_t crc, const void* data, std::size_t size) {
  static const ExtendFunction extend = choose_extend();
  return extend(crc, data, size);
}

uint32_t crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t size_b) {
  return multiply_mod_p(x_to_8n(size_b), crc_a) ^ crc_b;
}

}  // namespace recis::serialize

#include "recis/common/hash.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "recis/common/error.h"

namespace recis {
namespace {

std::string bytes(std::initializer_list<unsigned char> values) {
  return std::string(values.begin(), values.end());
}

// Golden values from RecIS's hash tests (results read as signed int64).
TEST(Hash, FarmFingerprint64MatchesRecisGoldenValues) {
  EXPECT_EQ(int64_t(farm_fingerprint64(bytes({0, 1, 2}))), -7736835464683084646LL);
  EXPECT_EQ(int64_t(farm_fingerprint64(bytes({1, 2, 3}))), -5546720800891377920LL);
  EXPECT_EQ(int64_t(farm_fingerprint64(bytes({0, 5, 5}))), -4442022684725028445LL);
  EXPECT_EQ(int64_t(farm_fingerprint64(bytes({5, 6, 7}))), -909183002746659612LL);
}

TEST(Hash, MurmurHash64AMatchesRecisGoldenValues) {
  EXPECT_EQ(int64_t(murmur_hash64a(bytes({0, 1, 2}))), -4003751876240412087LL);
  EXPECT_EQ(int64_t(murmur_hash64a(bytes({1, 2, 3}))), -1042754718167355375LL);
  EXPECT_EQ(int64_t(murmur_hash64a(bytes({0, 5, 5}))), -5541886947548579749LL);
  EXPECT_EQ(int64_t(murmur_hash64a(bytes({5, 6, 7}))), 4434088491466393040LL);
}

TEST(Hash, MurmurCoversEveryTailLength) {
  // Every tail length 0..7 after a full block goes through a distinct switch arm; the values must
  // all differ and be stable across calls.
  std::string data = "abcdefghijklmno";
  std::set<uint64_t> seen;
  for (std::size_t n = 8; n <= 15; ++n) {
    const uint64_t h = murmur_hash64a(data.data(), n);
    EXPECT_EQ(h, murmur_hash64a(data.data(), n));
    seen.insert(h);
  }
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_NE(murmur_hash64a("", 0, 0), murmur_hash64a("", 0, 1));
}

TEST(Hash, HashToIdAppliesRecisBucketRule) {
  const std::string key = bytes({0, 1, 2});
  const uint64_t farm = farm_fingerprint64(key);
  EXPECT_EQ(hash_to_id(HashKind::Farm, key, 0), int64_t(farm & 0x7fffffffffffffffULL));
  EXPECT_EQ(hash_to_id(HashKind::Farm, key, 1000), int64_t(farm % 1000));
  EXPECT_GE(hash_to_id(HashKind::Murmur, key, 0), 0);
  EXPECT_EQ(hash_to_id(HashKind::Murmur, key, 7), int64_t(murmur_hash64a(key) % 7));
  EXPECT_THROW(hash_to_id(HashKind::None, key, 0), Error);
}

TEST(Hash, ParseHashKindNamesTheOwner) {
  EXPECT_EQ(parse_hash_kind("farm", "c1"), HashKind::Farm);
  EXPECT_EQ(parse_hash_kind("murmur", "c1"), HashKind::Murmur);
  EXPECT_EQ(parse_hash_kind("none", "c1"), HashKind::None);
  try {
    parse_hash_kind("md5", "column c7");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("column c7"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("md5"), std::string::npos);
  }
}

}  // namespace
}  // namespace recis

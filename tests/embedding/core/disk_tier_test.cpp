#include "recis/embedding/core/disk_tier.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <map>
#include <vector>

#include "recis/common/error.h"
#include "support/test_support.h"

namespace recis::embedding {
namespace {

using recis::testing::TempDir;

constexpr std::size_t kRowBytes = 24;
constexpr std::size_t kMemory = std::size_t{8} << 20;

std::vector<std::byte> row_of(int64_t id) {
  std::vector<std::byte> row(kRowBytes);
  for (std::size_t i = 0; i < kRowBytes; ++i) row[i] = static_cast<std::byte>((id * 31 + i) & 0xff);
  return row;
}

std::vector<std::byte> rows_of(const std::vector<int64_t>& ids) {
  std::vector<std::byte> rows;
  for (const int64_t id : ids) {
    const std::vector<std::byte> row = row_of(id);
    rows.insert(rows.end(), row.begin(), row.end());
  }
  return rows;
}

TEST(DiskTier, RowsComeBackBitForBitAndErasedRowsAreGone) {
  TempDir dir;
  DiskTier tier(dir / "tier", kRowBytes, "table t", kMemory);
  const std::vector<int64_t> ids = {5, -3, 1LL << 40, 0, 77};
  tier.put(ids, rows_of(ids).data());
  EXPECT_EQ(tier.size(), 5u);

  const std::vector<int64_t> wanted = {77, 6, -3, 1LL << 40};
  std::vector<std::byte> out(wanted.size() * kRowBytes);
  std::vector<uint8_t> found(wanted.size());
  EXPECT_EQ(tier.get(wanted, out.data(), found), 3u);
  EXPECT_EQ(found, (std::vector<uint8_t>{1, 0, 1, 1}));
  EXPECT_EQ(std::memcmp(out.data(), row_of(77).data(), kRowBytes), 0);
  EXPECT_EQ(std::memcmp(out.data() + 2 * kRowBytes, row_of(-3).data(), kRowBytes), 0);
  EXPECT_EQ(std::memcmp(out.data() + 3 * kRowBytes, row_of(1LL << 40).data(), kRowBytes), 0);

  tier.erase(std::vector<int64_t>{-3, 77});
  EXPECT_EQ(tier.size(), 3u);
  EXPECT_EQ(tier.get(wanted, out.data(), found), 1u);
  EXPECT_EQ(found, (std::vector<uint8_t>{0, 0, 0, 1}));
}

TEST(DiskTier, ForEachVisitsEveryRowInIdOrder) {
  TempDir dir;
  DiskTier tier(dir / "tier", kRowBytes, "table t", kMemory);
  std::vector<int64_t> ids;
  for (int64_t id = 20000; id > 0; id -= 7) ids.push_back(id);
  tier.put(ids, rows_of(ids).data());
  std::vector<int64_t> seen;
  bool bytes_match = true;
  tier.for_each([&](int64_t id, const std::byte* row) {
    seen.push_back(id);
    bytes_match = bytes_match && std::memcmp(row, row_of(id).data(), kRowBytes) == 0;
  });
  std::vector<int64_t> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(seen, sorted);
  EXPECT_TRUE(bytes_match);
}

TEST(DiskTier, AnEarlierRunsTierIsClearedOnOpen) {
  TempDir dir;
  {
    DiskTier tier(dir / "tier", kRowBytes, "table t", kMemory);
    const std::vector<int64_t> ids = {1, 2, 3};
    tier.put(ids, rows_of(ids).data());
  }
  DiskTier reopened(dir / "tier", kRowBytes, "table t", kMemory);
  EXPECT_EQ(reopened.size(), 0u);
  std::size_t visited = 0;
  reopened.for_each([&](int64_t, const std::byte*) { ++visited; });
  EXPECT_EQ(visited, 0u);
}

TEST(DiskTier, RefusesADirectoryItDidNotMakeAndAFile) {
  TempDir dir;
  std::filesystem::create_directories(dir / "data");
  std::ofstream(dir / "data" / "precious.txt") << "keep me";
  try {
    DiskTier tier(dir / "data", kRowBytes, "embedding table 3", kMemory);
    FAIL() << "a foreign directory was accepted";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("embedding table 3"), std::string::npos) << message;
    EXPECT_NE(message.find((dir / "data").string()), std::string::npos) << message;
    EXPECT_NE(message.find("not a RecIS disk tier"), std::string::npos) << message;
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "data" / "precious.txt"));

  std::ofstream(dir / "file") << "x";
  EXPECT_THROW(DiskTier(dir / "file", kRowBytes, "t", kMemory), Error);
}

}  // namespace
}  // namespace recis::embedding

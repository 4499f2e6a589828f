// The Criteo-like layout: column names, log-spaced vocabularies from 10 to 1M, ids per row,
// the ORC schema and the id scrambling.
#include "recis/datagen/criteo_layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <unordered_set>
#include <vector>

#include "recis/datagen/criteo_row.h"

namespace recis::datagen {
namespace {

TEST(CriteoLayoutTest, VocabulariesAreLogSpacedFromTenToOneMillion) {
  const auto columns = categorical_columns();
  ASSERT_EQ(columns.size(), kCategoricalColumns);
  std::vector<std::uint64_t> sizes;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    EXPECT_EQ(columns[c].name, "c" + std::to_string(c + 1));
    EXPECT_EQ(columns[c].max_ids, c >= 23 ? 5 : 1) << columns[c].name;
    EXPECT_GE(columns[c].missing_rate, 0.0);
    EXPECT_LT(columns[c].missing_rate, 0.5);
    sizes.push_back(columns[c].vocabulary);
  }
  std::sort(sizes.begin(), sizes.end());
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    EXPECT_EQ(sizes[k], static_cast<std::uint64_t>(
                            std::round(std::pow(10.0, 1.0 + static_cast<double>(k) / 5.0))));
  }
  EXPECT_EQ(sizes.front(), 10u);
  EXPECT_EQ(sizes.back(), 1'000'000u);
  EXPECT_EQ(columns[kSequenceSourceColumn].vocabulary, 10'000u);
}

TEST(CriteoLayoutTest, SchemaListsEveryColumnInOrder) {
  std::string expected = "struct<";
  for (int c = 1; c <= 26; ++c) expected += "c" + std::to_string(c) + ":array<bigint>,";
  for (int j = 1; j <= 13; ++j) expected += "i" + std::to_string(j) + ":array<double>,";
  EXPECT_EQ(criteo_schema(false), orc::Type::parse(expected + "label:array<double>>"));
  EXPECT_EQ(criteo_schema(true),
            orc::Type::parse(expected +
                             "label:array<double>,hist:array<bigint>,hist_steps:array<array<bigint>>>"));
  ASSERT_EQ(numeric_columns().size(), kNumericColumns);
  EXPECT_EQ(numeric_columns()[12].name, "i13");
}

TEST(CriteoLayoutTest, IdsAreScrambledNonNegativeAndDistinct) {
  std::unordered_set<std::int64_t> seen;
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::uint64_t rank = 0; rank < 20000; ++rank) {
      const std::int64_t id = categorical_id(c, rank);
      EXPECT_GE(id, 0);
      EXPECT_TRUE(seen.insert(id).second) << "column " << c << " rank " << rank;
    }
  }
  // Not small integers, and not ordered by frequency.
  EXPECT_GT(categorical_id(0, 0), 1'000'000'000);
  EXPECT_FALSE(categorical_id(0, 0) < categorical_id(0, 1) &&
               categorical_id(0, 1) < categorical_id(0, 2) &&
               categorical_id(0, 2) < categorical_id(0, 3));
  EXPECT_EQ(categorical_id(4, 77), categorical_id(4, 77));
}

}  // namespace
}  // namespace recis::datagen

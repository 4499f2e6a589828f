// ColumnVector::append_presence: the lazily created null mask, a null in row 0 included.
#include "recis/orc/column_vector.h"

#include <gtest/gtest.h>

namespace recis::orc {
namespace {

TEST(ColumnVectorTest, NullInRowZeroCreatesTheMask) {
  LongVector vector(TypeKind::Long);
  vector.append_presence(false);
  EXPECT_EQ(vector.num_rows, 1u);
  EXPECT_TRUE(vector.has_nulls());
  EXPECT_TRUE(vector.is_null(0));
  vector.append_presence(true);
  EXPECT_EQ(vector.present, (std::vector<std::uint8_t>{0, 1}));
}

TEST(ColumnVectorTest, MaskAppearsWithTheFirstNullAndRestartsAfterClear) {
  LongVector vector(TypeKind::Long);
  vector.append_presence(true);
  vector.append_presence(true);
  EXPECT_FALSE(vector.has_nulls());
  vector.append_presence(false);
  vector.append_presence(true);
  EXPECT_EQ(vector.num_rows, 4u);
  EXPECT_EQ(vector.present, (std::vector<std::uint8_t>{1, 1, 0, 1}));
  vector.clear();
  vector.append_presence(false);
  EXPECT_EQ(vector.present, (std::vector<std::uint8_t>{0}));
}

}  // namespace
}  // namespace recis::orc

#include "recis/common/logging.h"

#include <gtest/gtest.h>

#include "recis/common/error.h"

namespace recis::log {
namespace {

TEST(Logging, ParseLevelAndFilter) {
  const Level saved = level();
  EXPECT_EQ(parse_level("debug"), Level::Debug);
  EXPECT_EQ(parse_level("warning"), Level::Warning);
  EXPECT_THROW(parse_level("loud"), ConfigError);
  set_level(Level::Warning);
  EXPECT_FALSE(enabled(Level::Info));
  EXPECT_TRUE(enabled(Level::Error));
  set_level(Level::Off);
  EXPECT_FALSE(enabled(Level::Error));
  int evaluated = 0;
  RECIS_LOG(Error) << ++evaluated;
  EXPECT_EQ(evaluated, 0) << "a disabled statement must not evaluate its arguments";
  set_level(saved);
}

}  // namespace
}  // namespace recis::log

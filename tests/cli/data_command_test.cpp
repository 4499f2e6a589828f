// `recis data inspect` as a user runs it: per-column statistics name what would break training —
// negative values before a log1p, NaN and Inf — for dense (fixedlen) and ragged (varlen) reals.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/run_command.h"
#include "support/test_support.h"

namespace recis::testing {
namespace {

TEST(DataInspect, RealColumnsReportFiniteRangeAndNaNAndInfCounts) {
  TempDir dir;
  std::ofstream(dir / "counts.csv") << "-3,1\nnan,2\n2,inf\ninf,-inf\n5,nan\n";
  const std::string recis = "'" + recis_binary().string() + "' ";
  const auto written =
      run_command(recis + "orc from-csv --schema 'struct<x:double,y:double>' '" +
                  (dir / "counts.csv").string() + "' '" + (dir / "counts.orc").string() + "'");
  ASSERT_EQ(written.exit_code, 0) << written.err;
  for (const std::string declaration : {"--fixedlen x,y", "--varlen x,y"}) {
    const auto result = run_command(recis + "data inspect '" + (dir / "counts.orc").string() +
                                    "' " + declaration);
    ASSERT_EQ(result.exit_code, 0) << declaration << ": " << result.err;
    const nlohmann::json stats = nlohmann::json::parse(result.out)["stats"];
    EXPECT_EQ(stats["x"]["min"], -3.0) << declaration;
    EXPECT_EQ(stats["x"]["max"], 5.0) << declaration;
    EXPECT_EQ(stats["x"]["nan"], 1) << declaration;
    EXPECT_EQ(stats["x"]["inf"], 1) << declaration;
    EXPECT_EQ(stats["y"]["min"], 1.0) << declaration;
    EXPECT_EQ(stats["y"]["max"], 2.0) << declaration;
    EXPECT_EQ(stats["y"]["nan"], 1) << declaration;
    EXPECT_EQ(stats["y"]["inf"], 2) << declaration;
  }
}

}  // namespace
}  // namespace recis::testing

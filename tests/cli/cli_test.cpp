// The `recis` tool's contract: help lists the subcommands, usage errors exit 2 and runtime errors
// exit 1, each with exactly one line on stderr.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/run_command.h"

namespace recis::testing {
namespace {

std::string recis(const std::string& args) { return "'" + recis_binary().string() + "' " + args; }

long line_count(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

TEST(Cli, HelpListsSubcommands) {
  const auto result = run_command(recis("--help"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("Subcommands:"), std::string::npos);
  EXPECT_NE(result.out.find("bench"), std::string::npos);
}

TEST(Cli, VersionPrintsVersion) {
  const auto result = run_command(recis("--version"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.rfind("recis ", 0), 0u) << result.out;
}

TEST(Cli, MissingSubcommandIsUsageError) {
  const auto result = run_command(recis(""));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(line_count(result.err), 1) << result.err;
}

TEST(Cli, BadLogLevelIsUsageErrorNamingTheValue) {
  const auto result = run_command(recis("--log-level loud bench --list"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(line_count(result.err), 1) << result.err;
  EXPECT_NE(result.err.find("loud"), std::string::npos) << result.err;
}

TEST(Cli, UnknownBenchIsUsageErrorNamingIt) {
  const auto result = run_command(recis("bench no-such-bench"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(line_count(result.err), 1) << result.err;
  EXPECT_NE(result.err.find("no-such-bench"), std::string::npos) << result.err;
}

TEST(Cli, BenchListNamesRegisteredBenches) {
  const auto result = run_command(recis("bench --list"));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("hash"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace recis::testing

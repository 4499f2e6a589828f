// The `recis` tool's contract: help lists the subcommands, usage errors exit 2 and runtime errors
// exit 1, each with exactly one line on stderr.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/run_command.h"
#include "support/test_support.h"

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

TEST(Cli, TheFrontEndLoadsNoLibtorchAndHandsTorchCommandsOn) {
  const auto libraries = run_command("ldd '" + recis_binary().string() + "'");
  ASSERT_EQ(libraries.exit_code, 0) << libraries.err;
  EXPECT_EQ(libraries.out.find("libtorch"), std::string::npos) << libraries.out;
  EXPECT_EQ(libraries.out.find("libc10"), std::string::npos) << libraries.out;
  const auto help = run_command(recis("--help"));
  EXPECT_NE(help.out.find("train a model from an experiment config"), std::string::npos)
      << help.out;
  const auto train_help = run_command(recis("train --help"));
  EXPECT_EQ(train_help.exit_code, 0) << train_help.err;
  EXPECT_NE(train_help.out.find("--config"), std::string::npos) << train_help.out;
  // bin/recis-torch gets the wait policy that keeps libgomp's threads from spinning, unless the
  // user chose one.
  const auto passive =
      run_command("env -u OMP_WAIT_POLICY " + recis("--log-level debug bench --list"));
  EXPECT_EQ(passive.exit_code, 0) << passive.err;
  EXPECT_NE(passive.err.find("OpenMP wait policy: PASSIVE"), std::string::npos) << passive.err;
  const auto chosen =
      run_command("OMP_WAIT_POLICY=ACTIVE " + recis("--log-level debug bench --list"));
  EXPECT_NE(chosen.err.find("OpenMP wait policy: ACTIVE"), std::string::npos) << chosen.err;
}

TEST(Cli, CommonFlagsWorkBeforeAndAfterTheSubcommand) {
  const std::string file = (shared_dir() / "orc-corpus" / "TestOrcFile.test1.orc").string();
  for (const std::string& args : {"--log-level debug --threads 3 orc meta '" + file + "'",
                                  "orc meta '" + file + "' --threads 3 --log-level debug",
                                  "--threads 3 orc meta --log-level debug '" + file + "'"}) {
    const auto result = run_command(recis(args));
    EXPECT_EQ(result.exit_code, 0) << args << ": " << result.err;
    EXPECT_NE(result.err.find("threads: 3"), std::string::npos) << args << ": " << result.err;
  }
}

TEST(Cli, MissingConfigFileIsUsageErrorNamingIt) {
  for (const std::string command : {"train", "eval --checkpoint /nonexistent"}) {
    const auto result = run_command(recis(command + " --config /nonexistent/experiment.toml"));
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_EQ(line_count(result.err), 1) << result.err;
    EXPECT_NE(result.err.find("/nonexistent/experiment.toml"), std::string::npos) << result.err;
  }
}

}  // namespace
}  // namespace recis::testing

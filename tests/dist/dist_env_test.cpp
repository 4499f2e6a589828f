#include "recis/dist/dist_env.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "recis/common/error.h"

namespace recis::dist {
namespace {

// Sets the launcher variables for one test and clears them afterwards.
class Environment {
 public:
  explicit Environment(const std::map<std::string, std::string>& values) {
    for (const char* name : kNames) unsetenv(name);
    for (const auto& [name, value] : values) setenv(name.c_str(), value.c_str(), 1);
  }
  ~Environment() {
    for (const char* name : kNames) unsetenv(name);
  }

 private:
  static constexpr const char* kNames[] = {"RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE",
                                           "MASTER_ADDR", "MASTER_PORT",
                                           "TORCHELASTIC_USE_AGENT_STORE",
                                           "TORCHELASTIC_RESTART_COUNT"};
};

std::string error_of(const std::map<std::string, std::string>& values) {
  const Environment environment(values);
  try {
    dist_env_from_environment();
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(DistEnv, WithoutRankAndWorldSizeTheProcessIsASingleRank) {
  const Environment environment({});
  const DistEnv env = dist_env_from_environment();
  EXPECT_EQ(env.rank, 0);
  EXPECT_EQ(env.world_size, 1);
  EXPECT_FALSE(env.distributed());
}

TEST(DistEnv, ReadsWhatTorchrunSets) {
  const Environment environment({{"RANK", "3"},
                                 {"WORLD_SIZE", "4"},
                                 {"LOCAL_RANK", "1"},
                                 {"LOCAL_WORLD_SIZE", "2"},
                                 {"MASTER_ADDR", "10.0.0.7"},
                                 {"MASTER_PORT", "29400"},
                                 {"TORCHELASTIC_USE_AGENT_STORE", "True"},
                                 {"TORCHELASTIC_RESTART_COUNT", "2"}});
  const DistEnv env = dist_env_from_environment();
  EXPECT_EQ(env.rank, 3);
  EXPECT_EQ(env.world_size, 4);
  EXPECT_EQ(env.local_rank, 1);
  EXPECT_EQ(env.local_world_size, 2);
  EXPECT_EQ(env.master_addr, "10.0.0.7");
  EXPECT_EQ(env.master_port, 29400);
  EXPECT_TRUE(env.agent_store);
  EXPECT_EQ(env.restart_count, 2);
  EXPECT_TRUE(env.distributed());
}

TEST(DistEnv, MalformedVariablesAreNamedInTheError) {
  EXPECT_EQ(error_of({{"RANK", "0"}}),
            "environment: RANK is set but WORLD_SIZE is not; a distributed run needs both "
            "(torchrun and recis launch set them)");
  EXPECT_EQ(error_of({{"RANK", "2"}, {"WORLD_SIZE", "2"}}),
            "environment RANK='2': expected an integer in [0, 1]");
  EXPECT_EQ(error_of({{"RANK", "0"}, {"WORLD_SIZE", "two"}}),
            "environment WORLD_SIZE='two': expected an integer in [1, 65536]");
  EXPECT_EQ(error_of({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "70000"}}),
            "environment MASTER_PORT='70000': expected an integer in [1, 65535]");
}

}  // namespace
}  // namespace recis::dist

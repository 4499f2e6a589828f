// DistEnv: where this process sits in a distributed job, read from the environment torchrun (and
// `recis launch`) set: RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT,
// and torchrun's TORCHELASTIC_USE_AGENT_STORE / TORCHELASTIC_RESTART_COUNT (the agent then hosts
// the TCPStore and ranks connect as clients under the prefix "/worker/attempt_N", as PyTorch's
// env:// init does). Without RANK and WORLD_SIZE the process is a single rank.
// Called by the CLI before it builds a Trainer. Thread-safety: plain values; reading the
// environment is not synchronised with setenv.
#pragma once

#include <cstdint>
#include <string>

namespace recis::dist {

struct DistEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  int local_world_size = 1;
  std::string master_addr = "127.0.0.1";
  uint16_t master_port = 29500;
  bool agent_store = false;  // torchrun's agent already serves the store
  int restart_count = 0;

  bool distributed() const { return world_size > 1; }
};

// Throws ConfigError naming the variable when one is malformed or out of range (RANK without
// WORLD_SIZE, RANK >= WORLD_SIZE, a port outside 1..65535, ...).
DistEnv dist_env_from_environment();

}  // namespace recis::dist

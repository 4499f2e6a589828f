// The CLI's entry into distributed runs: reads DistEnv from the environment (torchrun or
// `recis launch`) and, for a world size above 1, connects this rank's Communicator with the
// experiment's [dist] timeout. Called by `recis train` and `recis eval` before they build a
// Trainer. Thread-safety: call from the main thread.
#pragma once

#include <memory>

#include "recis/dist/communicator.h"
#include "recis/train/experiment_config.h"

namespace recis::cli {

// Null for a single process. Throws ConfigError for a malformed environment, Error when the
// ranks do not meet within the timeout.
std::shared_ptr<dist::Communicator> connect_ranks(const train::ExperimentConfig& config);

}  // namespace recis::cli

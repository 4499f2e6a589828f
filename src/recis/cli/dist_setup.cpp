#include "recis/cli/dist_setup.h"

#include <chrono>

#include "recis/common/logging.h"

namespace recis::cli {

std::shared_ptr<dist::Communicator> connect_ranks(const train::ExperimentConfig& config) {
  const dist::DistEnv env = dist::dist_env_from_environment();
  if (!env.distributed()) return nullptr;
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(config.dist.timeout_s * 1000));
  auto communicator = std::make_shared<dist::Communicator>(env, timeout);
  RECIS_LOG(Info) << "rank " << env.rank << "/" << env.world_size << " connected via "
                  << env.master_addr << ":" << env.master_port;
  return communicator;
}

}  // namespace recis::cli

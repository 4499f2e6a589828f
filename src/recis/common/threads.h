// The process-wide thread budget: how many threads compute and IO may use. Set once by the CLI
// (--threads or RECIS_THREADS), read by whoever sizes a pool. Thread-safe (atomic).
#pragma once

#include <cstddef>

namespace recis {

// The configured count; when none was configured, the CPUs available to this process divided by
// LOCAL_WORLD_SIZE (the ranks of a distributed job on this machine), at least 1.
std::size_t configured_threads();

// 0 means "size from the machine" again.
void set_configured_threads(std::size_t threads);

}  // namespace recis

// The CPU quota a container or systemd slice puts on this process (cgroup v2 `cpu.max`, v1
// `cpu.cfs_quota_us` / `cpu.cfs_period_us`), as a whole number of CPUs. Called by
// available_cpus() (thread_pool.cpp) so that default thread counts fit the quota, not just the
// affinity mask. Pure functions over files; thread-safe.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>

namespace recis {

struct CpuQuota {
  double cpus = 0;         // quota / period, e.g. 1.5
  std::size_t threads = 0; // cpus rounded up, at least 1
};

// The tightest quota on the cgroup named by `proc_self_cgroup` (the format of /proc/self/cgroup)
// and its ancestors, with the cgroup file system mounted at `cgroup_root` (/sys/fs/cgroup): v2's
// unified hierarchy, else v1's cpu controller. nullopt when no level sets one ("max", -1) or the
// files are absent or unreadable: the machine then counts as unlimited.
std::optional<CpuQuota> read_cpu_quota(const std::filesystem::path& proc_self_cgroup,
                                       const std::filesystem::path& cgroup_root);

// read_cpu_quota("/proc/self/cgroup", "/sys/fs/cgroup"), read once per process.
std::optional<CpuQuota> process_cpu_quota();

}  // namespace recis

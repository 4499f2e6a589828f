#include "recis/common/cpu_quota.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace recis {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_first_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

std::optional<double> positive_number(const std::string& text) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size() && std::isfinite(value) && value > 0) return value;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// CPUs = quota / period; nullopt unless both are positive numbers (an unlimited quota, v2's
// "max" or v1's -1, is not).
std::optional<double> quota_over_period(const std::string& quota, const std::string& period) {
  const auto q = positive_number(quota), p = positive_number(period);
  if (!q || !p) return std::nullopt;
  return *q / *p;
}

// cgroup v2 `cpu.max`: "QUOTA PERIOD" in microseconds, QUOTA "max" when unlimited.
std::optional<double> v2_limit(const fs::path& dir) {
  const auto line = read_first_line(dir / "cpu.max");
  if (!line) return std::nullopt;
  std::istringstream fields(*line);
  std::string quota, period;
  if (!(fields >> quota >> period)) return std::nullopt;
  return quota_over_period(quota, period);
}

// cgroup v1: `cpu.cfs_quota_us` (-1 when unlimited) over `cpu.cfs_period_us`.
std::optional<double> v1_limit(const fs::path& dir) {
  const auto quota = read_first_line(dir / "cpu.cfs_quota_us");
  const auto period = read_first_line(dir / "cpu.cfs_period_us");
  if (!quota || !period) return std::nullopt;
  return quota_over_period(*quota, *period);
}

// The tightest limit from the process's cgroup directory up to the mount point. Where the
// process's path does not exist under the mount (a container's cgroup namespace shows the host's
// path), the mount point itself is the process's cgroup.
template <typename Limit>
std::optional<double> tightest_on_path(const fs::path& mount, const std::string& cgroup_path,
                                       Limit limit) {
  std::error_code error;
  if (!fs::is_directory(mount, error)) return std::nullopt;
  const fs::path relative = fs::path(cgroup_path).relative_path();
  fs::path dir = relative.empty() ? mount : mount / relative;
  if (!fs::is_directory(dir, error)) dir = mount;
  std::optional<double> tightest;
  for (;;) {
    if (const auto value = limit(dir)) tightest = std::min(tightest.value_or(*value), *value);
    if (dir == mount || !dir.has_relative_path()) break;
    dir = dir.parent_path();
  }
  return tightest;
}

struct CgroupLine {
  std::string controllers;  // empty for v2's unified hierarchy
  std::string path;
};

std::vector<CgroupLine> read_cgroup_lines(const fs::path& proc_self_cgroup) {
  std::ifstream in(proc_self_cgroup);
  std::vector<CgroupLine> lines;
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t first = line.find(':');
    const std::size_t second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    lines.push_back({line.substr(first + 1, second - first - 1), line.substr(second + 1)});
  }
  return lines;
}

bool has_cpu_controller(const std::string& controllers) {
  std::istringstream names(controllers);
  std::string name;
  while (std::getline(names, name, ',')) {
    if (name == "cpu") return true;
  }
  return false;
}

}  // namespace

std::optional<CpuQuota> read_cpu_quota(const fs::path& proc_self_cgroup,
                                       const fs::path& cgroup_root) {
  std::optional<double> cpus;
  for (const CgroupLine& line : read_cgroup_lines(proc_self_cgroup)) {
    if (line.controllers.empty()) {
      cpus = tightest_on_path(cgroup_root, line.path, v2_limit);
    } else if (has_cpu_controller(line.controllers)) {
      for (const std::string& mount : {line.controllers, std::string("cpu,cpuacct"),
                                      std::string("cpu")}) {
        cpus = tightest_on_path(cgroup_root / mount, line.path, v1_limit);
        if (cpus) break;
      }
    }
    if (cpus) break;
  }
  if (!cpus) return std::nullopt;
  return CpuQuota{*cpus, std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(*cpus)))};
}

std::optional<CpuQuota> process_cpu_quota() {
  static const std::optional<CpuQuota> quota = read_cpu_quota("/proc/self/cgroup", "/sys/fs/cgroup");
  return quota;
}

}  // namespace recis

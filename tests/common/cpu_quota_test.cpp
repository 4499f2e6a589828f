// read_cpu_quota on fixture trees shaped like /proc/self/cgroup and /sys/fs/cgroup: cgroup v2
// (cpu.max, nested limits, "max"), v1 (cfs quota / period, either mount name, -1), containers
// whose cgroup path is the host's, and garbage that must count as no quota.
#include <gtest/gtest.h>

#include <fstream>

#include "recis/common/cpu_quota.h"
#include "support/test_support.h"

namespace recis {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

struct Fixture {
  testing::TempDir dir;
  fs::path proc() const { return dir / "proc_self_cgroup"; }
  fs::path root() const { return dir / "cgroup"; }
  std::optional<CpuQuota> quota() const { return read_cpu_quota(proc(), root()); }
};

TEST(CpuQuota, V2CpuMaxRoundsUp) {
  Fixture f;
  write(f.proc(), "0::/kubepods/pod1\n");
  write(f.root() / "kubepods/pod1/cpu.max", "150000 100000\n");
  const auto quota = f.quota();
  ASSERT_TRUE(quota.has_value());
  EXPECT_DOUBLE_EQ(quota->cpus, 1.5);
  EXPECT_EQ(quota->threads, 2u);
}

TEST(CpuQuota, V2TakesTheTightestAncestorAndIgnoresMax) {
  Fixture f;
  write(f.proc(), "0::/a/b\n");
  write(f.root() / "a/b/cpu.max", "max 100000\n");
  write(f.root() / "a/cpu.max", "300000 100000\n");
  write(f.root() / "cpu.max", "max 100000\n");
  EXPECT_EQ(f.quota()->threads, 3u);
  write(f.root() / "a/b/cpu.max", "50000 100000\n");
  EXPECT_DOUBLE_EQ(f.quota()->cpus, 0.5);
  EXPECT_EQ(f.quota()->threads, 1u);
}

TEST(CpuQuota, V2UnlimitedIsNoQuota) {
  Fixture f;
  write(f.proc(), "0::/user.slice\n");
  write(f.root() / "user.slice/cpu.max", "max 100000\n");
  EXPECT_FALSE(f.quota().has_value());
}

TEST(CpuQuota, ContainerPathMissingUnderTheMountReadsTheMountItself) {
  Fixture f;
  write(f.proc(), "0::/docker/0123abcd\n");
  write(f.root() / "cpu.max", "200000 100000\n");
  EXPECT_EQ(f.quota()->threads, 2u);
}

TEST(CpuQuota, V1QuotaOverPeriodUnderEitherMountName) {
  Fixture f;
  write(f.proc(), "12:memory:/job\n4:cpu,cpuacct:/job\n0::/job\n");
  write(f.root() / "cpu,cpuacct/job/cpu.cfs_quota_us", "250000\n");
  write(f.root() / "cpu,cpuacct/job/cpu.cfs_period_us", "100000\n");
  EXPECT_DOUBLE_EQ(f.quota()->cpus, 2.5);
  EXPECT_EQ(f.quota()->threads, 3u);

  Fixture g;
  write(g.proc(), "3:cpuacct,cpu:/job\n");
  write(g.root() / "cpu/job/cpu.cfs_quota_us", "100000\n");
  write(g.root() / "cpu/job/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(g.quota()->threads, 1u);
}

TEST(CpuQuota, V1MinusOneIsNoQuota) {
  Fixture f;
  write(f.proc(), "4:cpu,cpuacct:/\n");
  write(f.root() / "cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
  write(f.root() / "cpu,cpuacct/cpu.cfs_period_us", "100000\n");
  EXPECT_FALSE(f.quota().has_value());
}

TEST(CpuQuota, MissingOrGarbageFilesAreNoQuota) {
  Fixture f;
  EXPECT_FALSE(f.quota().has_value());  // no /proc/self/cgroup at all
  write(f.proc(), "garbage without colons\n0::/x\n");
  write(f.root() / "x/cpu.max", "lots 100000\n");
  EXPECT_FALSE(f.quota().has_value());
  write(f.root() / "x/cpu.max", "100000 0\n");
  EXPECT_FALSE(f.quota().has_value());
  write(f.root() / "x/cpu.max", "100000x 100000\n");
  EXPECT_FALSE(f.quota().has_value());
}

}  // namespace
}  // namespace recis

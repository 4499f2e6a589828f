// A real full disk: checkpoints are saved into a 256 KiB tmpfs (mount(2), so root or
// CAP_SYS_ADMIN; skipped otherwise). A save that runs out of space while writing its data, its
// manifest or the `latest` pointer must fail with ENOSPC named, leave nothing that looks like a
// checkpoint or a leftover file, give the space back, and keep the previous checkpoint loadable.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

#include "recis/common/error.h"
#include "recis/serialize/core/checkpoint_dir.h"
#include "recis/serialize/core/checkpoint_files.h"
#include "support/test_support.h"

namespace recis::serialize {
namespace {

namespace fs = std::filesystem;
using recis::testing::read_file;
using recis::testing::TempDir;

constexpr const char* kDataFile = "sparse/t.safetensors";
// Room for the header of the one-tensor file save() writes.
constexpr std::size_t kHeaderAllowance = 256;

std::byte pattern(int64_t step, std::size_t i) { return static_cast<std::byte>(step * 31 + i * 7); }

// A checkpoint of a data file (one U8 tensor of data_bytes, contents from the step) and
// trainer.json, which takes one block of its own.
fs::path save(const fs::path& output, int64_t step, std::size_t data_bytes) {
  CheckpointStaging staging(output, step);
  std::vector<std::byte> data(data_bytes);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = pattern(step, i);
  SafeTensorsWriter writer(staging.path_for(kDataFile),
                           {{"data", DType::U8, {static_cast<int64_t>(data_bytes)}}});
  writer.write(0, 0, data);
  staging.add(kDataFile, writer.finish());
  staging.write_file("trainer.json", "{\"step\": " + std::to_string(step) + "}\n");
  return staging.commit(2);
}

// Loads the data file the way a loader does (every byte read once, CRC checked against the
// manifest) and checks its contents are step's.
void expect_loads(const fs::path& checkpoint, int64_t step, std::size_t data_bytes) {
  verify_checkpoint(checkpoint);
  const Manifest manifest = read_manifest(checkpoint);
  EXPECT_EQ(manifest.step, step);
  const SafeTensorsReader file(checkpoint / kDataFile);
  std::vector<std::byte> data(data_bytes);
  file.read(0, 0, data);
  check_read_digest(file, manifest, checkpoint, kDataFile);
  for (std::size_t i = 0; i < data.size(); ++i) {
    ASSERT_EQ(data[i], pattern(step, i)) << "byte " << i;
  }
}

class CheckpointDiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directory(disk_);
    if (::mount("tmpfs", disk_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=256k") != 0) {
      GTEST_SKIP() << "cannot mount a 256 KiB tmpfs at " << disk_ << ": " << std::strerror(errno)
                   << " (needs root or CAP_SYS_ADMIN)";
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_ && ::umount2(disk_.c_str(), 0) != 0) ::umount2(disk_.c_str(), MNT_DETACH);
  }

  // Free space on the tmpfs, in whole blocks.
  std::size_t free_blocks() const {
    struct statvfs info {};
    if (::statvfs(disk_.c_str(), &info) != 0) throw IoError("statvfs failed");
    return static_cast<std::size_t>(info.f_bavail);
  }
  std::size_t block_size() const {
    struct statvfs info {};
    if (::statvfs(disk_.c_str(), &info) != 0) throw IoError("statvfs failed");
    return static_cast<std::size_t>(info.f_frsize);
  }

  // Saves step 1, then tries `step` (2, or 1 again to replace it) with a data file of as many
  // blocks as are free after step 1, plus `blocks_beyond_free`; the save must fail with ENOSPC on a
  // file whose name contains `failing_file`, and leave the first ckpt-1 as the only, latest,
  // loadable checkpoint.
  void expect_second_save_fails(std::ptrdiff_t blocks_beyond_free, const std::string& failing_file,
                                int64_t step = 2) {
    save(output_, 1, kFirstBytes);
    const std::size_t blocks_before = free_blocks();
    ASSERT_GT(blocks_before, 4u);
    const std::size_t data_bytes =
        (blocks_before + blocks_beyond_free) * block_size() - kHeaderAllowance;
    std::string message;
    try {
      save(output_, step, data_bytes);
    } catch (const IoError& error) {
      message = error.what();
    }
    ASSERT_FALSE(message.empty()) << "the save of step " << step << " did not fail";
    EXPECT_NE(message.find(std::strerror(ENOSPC)), std::string::npos) << message;
    EXPECT_NE(message.find(failing_file), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;

    for (const auto& entry : fs::directory_iterator(output_)) {
      const std::string name = entry.path().filename().string();
      EXPECT_TRUE(name == "ckpt-1" || name == "latest") << "left behind: " << entry.path();
    }
    EXPECT_EQ(list_checkpoints(output_), std::vector<fs::path>{output_ / "ckpt-1"});
    EXPECT_EQ(latest_checkpoint(output_), output_ / "ckpt-1");
    EXPECT_EQ(read_file(output_ / "latest"), "ckpt-1\n");
    expect_loads(output_ / "ckpt-1", 1, kFirstBytes);
    EXPECT_EQ(free_blocks(), blocks_before) << "the failed save did not give its space back";

    // The disk still takes a checkpoint that fits.
    save(output_, step, kFirstBytes);
    EXPECT_EQ(latest_checkpoint(output_), output_ / checkpoint_dir_name(step));
    expect_loads(output_ / checkpoint_dir_name(step), step, kFirstBytes);
  }

  static constexpr std::size_t kFirstBytes = 40000;
  TempDir tmp_;
  fs::path disk_ = tmp_ / "disk";
  fs::path output_ = disk_ / "out";
  bool mounted_ = false;
};

TEST_F(CheckpointDiskFull, DataThatDoesNotFitFailsTheSave) {
  expect_second_save_fails(4, kDataFile);
}

// The data file and trainer.json (one block) fill the disk exactly: commit() cannot write the
// manifest.
TEST_F(CheckpointDiskFull, ManifestThatDoesNotFitFailsTheSave) {
  expect_second_save_fails(-1, "manifest.json");
}

// Data, trainer.json and manifest fill the disk exactly: the checkpoint directory is complete and
// renamed into place, but `latest` cannot be replaced. The save fails and is undone.
TEST_F(CheckpointDiskFull, LatestPointerThatDoesNotFitFailsTheSave) {
  expect_second_save_fails(-2, "latest");
}

// As above, saving step 1 again: the new ckpt-1 was exchanged with the old one, and the old one
// must be back in place.
TEST_F(CheckpointDiskFull, ReplacementWhoseLatestPointerDoesNotFitKeepsTheOldCheckpoint) {
  expect_second_save_fails(-2, "latest", 1);
}

}  // namespace
}  // namespace recis::serialize

#include "recis/serialize/core/file_util.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "recis/common/error.h"
#include "support/test_support.h"

namespace recis::serialize {
namespace {

namespace fs = std::filesystem;
using recis::testing::read_file;
using recis::testing::TempDir;

TEST(FileUtil, WriteDurablyAndReplaceAtomically) {
  TempDir dir;
  write_file_durably(dir / "a.txt", "first");
  EXPECT_EQ(read_file(dir / "a.txt"), "first");
  replace_file_atomically(dir / "a.txt", "second, longer");
  EXPECT_EQ(read_file(dir / "a.txt"), "second, longer");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1u) << "no temporary left beside the file";
  EXPECT_NO_THROW(fsync_directory(""));  // the parent of a bare file name
  EXPECT_NO_THROW(fsync_file(dir / "a.txt"));
}

// A replacement that cannot be written (here: RLIMIT_FSIZE 0 in a child; a full disk alike) used
// to leave its half-written temporary beside the file.
TEST(FileUtil, FailedReplaceLeavesTheFileAndNoTemporary) {
  TempDir dir;
  write_file_durably(dir / "latest", "old\n");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{0, 0};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(5);
    try {
      replace_file_atomically(dir / "latest", "new\n");
    } catch (const IoError& error) {
      ::_exit(std::string(error.what()).find("latest.tmp-") != std::string::npos ? 0 : 2);
    } catch (...) {
      ::_exit(3);
    }
    ::_exit(1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no error, 2: IoError not naming the temporary, "
                                       "3: another exception, 5: setrlimit failed";
  EXPECT_EQ(read_file(dir / "latest"), "old\n");
  std::size_t entries = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename(), "latest");
    ++entries;
  }
  EXPECT_EQ(entries, 1u) << "a temporary was left beside the file";
}

TEST(FileUtil, ReadSmallFileHonoursItsLimit) {
  TempDir dir;
  write_file_durably(dir / "b.txt", "0123456789");
  EXPECT_EQ(read_small_file(dir / "b.txt", 10), "0123456789");
  try {
    read_small_file(dir / "b.txt", 9);
    ADD_FAILURE() << "a file over the limit was read";
  } catch (const IoError& error) {
    EXPECT_EQ(std::string(error.what()),
              (dir / "b.txt").string() + ": 10 bytes, expected at most 9");
  }
  EXPECT_THROW(read_small_file(dir / "missing.txt", 9), IoError);
}

TEST(FileUtil, ShortReadNamesTheFile) {
  TempDir dir;
  write_file_durably(dir / "c.bin", "abc");
  FileDescriptor file(dir / "c.bin", O_RDONLY);
  EXPECT_EQ(file.size(), 3u);
  std::byte out[5];
  try {
    file.read_at(1, out);
    ADD_FAILURE() << "read past the end";
  } catch (const IoError& error) {
    EXPECT_EQ(std::string(error.what()),
              (dir / "c.bin").string() +
                  ": file ends at byte 3, expected 5 bytes at offset 1 (truncated?)");
  }
  FileDescriptor moved = std::move(file);
  EXPECT_FALSE(file.is_open());
  moved.read_at(0, std::span(out, 3));
  EXPECT_EQ(static_cast<char>(out[2]), 'c');
  moved.close();
  EXPECT_FALSE(moved.is_open());
}

TEST(FileUtil, OpenFailureNamesThePathAndTheReason) {
  TempDir dir;
  try {
    FileDescriptor file(dir / "nope" / "x", O_RDONLY);
    ADD_FAILURE() << "opened a missing file";
  } catch (const IoError& error) {
    EXPECT_EQ(std::string(error.what()),
              (dir / "nope" / "x").string() + ": cannot open: No such file or directory");
  }
}

}  // namespace
}  // namespace recis::serialize

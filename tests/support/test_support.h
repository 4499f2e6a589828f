// Helpers for the GoogleTest suites: where the shared ORC corpus is, scratch directories that
// remove themselves, and corrupting a file on purpose. Thread-safety: TempDir is owned by one test.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace recis::testing {

// ../shared next to the repository; the RECIS_SHARED_DIR environment variable overrides it.
std::filesystem::path shared_dir();

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Reads a whole file (throws recis::IoError when it cannot); .gz files are inflated.
std::string read_file(const std::filesystem::path& path);

// Corrupts one byte of a file in place: the byte at `offset` is XORed with `mask` (non-zero, so
// the byte always changes). Throws recis::IoError when the file cannot be opened.
void flip_bits(const std::filesystem::path& path, std::uint64_t offset, unsigned char mask = 0x10);

}  // namespace recis::testing

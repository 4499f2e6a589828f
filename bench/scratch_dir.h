// ScratchDir: a fresh directory under the system temp dir for a bench's generated files, removed
// with its contents when the bench ends (also on an exception). Owned by one bench run.
#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace recis::bench {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& bench)
      : path_(std::filesystem::temp_directory_path() /
              ("recis-" + bench + "-bench-" + std::to_string(std::random_device{}()))) {
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace recis::bench

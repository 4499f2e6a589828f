#include "executables.h"

namespace recis::bench {

std::filesystem::path bin_dir() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path();
}

std::filesystem::path front_end_executable() { return bin_dir() / "recis"; }
std::filesystem::path torch_executable() { return bin_dir() / "recis-torch"; }

std::string shell_quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

}  // namespace recis::bench

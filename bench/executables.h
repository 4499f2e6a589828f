// The two `recis` executables of this build, found next to the running one (bin/recis, the
// torch-free front end, and bin/recis-torch, every command with libtorch), for benches that run
// them as child processes. Thread-safety: pure.
#pragma once

#include <filesystem>
#include <string>

namespace recis::bench {

// The folder of the running executable: <build>/bin.
std::filesystem::path bin_dir();
std::filesystem::path front_end_executable();
std::filesystem::path torch_executable();

// `path` single-quoted for /bin/sh.
std::string shell_quoted(const std::filesystem::path& path);

}  // namespace recis::bench

// The two `recis` executables of this build, found next to the running one (bin/recis, the
// torch-free front end, and bin/recis-torch, every command with libtorch), for benches that run
// them as child processes, and running such a child. Thread-safety: pure.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace recis::bench {

// The folder of the running executable: <build>/bin.
std::filesystem::path bin_dir();
std::filesystem::path front_end_executable();
std::filesystem::path torch_executable();

// Runs argv[0] with argv (no shell), its stdout to `stdout_path`, stderr discarded, and waits.
// Throws Error naming the command when it cannot start or exits other than 0; returns what
// wait4 says of its resources (ru_maxrss: its peak RSS in KiB).
rusage run_child(const std::vector<std::string>& argv,
                 const std::filesystem::path& stdout_path = "/dev/null");

// `path` single-quoted for /bin/sh.
std::string shell_quoted(const std::filesystem::path& path);

}  // namespace recis::bench

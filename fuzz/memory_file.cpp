#include "memory_file.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace recis::fuzz {
namespace {

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::abort();
}

}  // namespace

MemoryFile::MemoryFile() : fd_(::memfd_create("fuzz-input", MFD_CLOEXEC)) {
  if (fd_ < 0) die("memfd_create");
}

MemoryFile::~MemoryFile() { ::close(fd_); }

std::filesystem::path MemoryFile::hold(const std::uint8_t* data, std::size_t size) {
  if (::ftruncate(fd_, 0) != 0) die("ftruncate");
  for (std::size_t done = 0; done < size;) {
    const ssize_t written = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
    if (written <= 0) die("pwrite");
    done += static_cast<std::size_t>(written);
  }
  return "/proc/self/fd/" + std::to_string(fd_);
}

}  // namespace recis::fuzz

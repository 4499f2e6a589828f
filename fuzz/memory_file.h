// The fuzz input as a file for readers that take a path (SafeTensorsReader): the bytes live in a
// memfd, opened through /proc/self/fd/N, so no input touches the disk. Used by the SafeTensors and
// rows-file fuzzers. Thread-safety: one per thread (libFuzzer runs inputs on one thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace recis::fuzz {

class MemoryFile {
 public:
  MemoryFile();  // aborts when memfd_create fails (the fuzzer cannot run without it)
  ~MemoryFile();
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  // Replaces the file's contents with [data, data + size); returns a path that opens them.
  std::filesystem::path hold(const std::uint8_t* data, std::size_t size);

 private:
  int fd_ = -1;
};

}  // namespace recis::fuzz

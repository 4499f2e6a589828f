// POSIX file helpers shared by the SafeTensors files and the checkpoint directories: an owned file
// descriptor, full pread/pwrite loops, fsync of files and directories, small files written
// durably or replaced atomically. Errors throw recis::IoError naming the path and the OS error.
// Thread-safety: free functions are independent; a FileDescriptor may be used by several threads
// for positioned reads and writes (pread/pwrite), but is closed by one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace recis::serialize {

// "path: what: strerror(error)".
std::string os_error_message(const std::filesystem::path& path, std::string_view what, int error);

class FileDescriptor {
 public:
  FileDescriptor() = default;
  // open(2) with O_CLOEXEC added; throws IoError naming the path.
  FileDescriptor(const std::filesystem::path& path, int flags, int mode = 0644);
  ~FileDescriptor();
  FileDescriptor(FileDescriptor&& other) noexcept;
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  const std::filesystem::path& path() const { return path_; }

  uint64_t size() const;                                                   // fstat
  void write_at(uint64_t offset, std::span<const std::byte> bytes) const;  // full pwrite
  // Reads exactly out.size() bytes at offset; throws naming the path when the file ends first.
  void read_at(uint64_t offset, std::span<std::byte> out) const;
  // Asks the kernel to start reading [offset, offset + bytes) into the page cache now, so that a
  // later read_at of it does not wait for the disk (posix_fadvise WILLNEED; advice only: a
  // kernel that declines changes nothing).
  void will_need(uint64_t offset, uint64_t bytes) const;
  void sync() const;  // fsync
  void close();       // reports a failing close(2) (delayed write errors) as IoError

 private:
  int fd_ = -1;
  std::filesystem::path path_;
};

// An empty path (the parent of a bare file name) means the current directory.
void fsync_directory(const std::filesystem::path& dir);
void fsync_file(const std::filesystem::path& path);

// Creates or truncates `path`, writes `content` and fsyncs the file (not its directory).
void write_file_durably(const std::filesystem::path& path, std::string_view content);

// Replaces `path` with `content` so that a reader sees the old or the new file, never a mix:
// writes a temporary beside it, fsyncs it, renames it over `path`, fsyncs the directory.
void replace_file_atomically(const std::filesystem::path& path, std::string_view content);

// A whole file of at most max_bytes (throws IoError naming the path when larger or unreadable).
std::string read_small_file(const std::filesystem::path& path, std::size_t max_bytes);

}  // namespace recis::serialize

#include "recis/serialize/core/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "recis/common/error.h"

namespace recis::serialize {

std::string os_error_message(const std::filesystem::path& path, std::string_view what, int error) {
  return path.string() + ": " + std::string(what) + ": " + std::strerror(error);
}

FileDescriptor::FileDescriptor(const std::filesystem::path& path, int flags, int mode)
    : path_(path) {
  do {
    fd_ = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd_ < 0 && errno == EINTR);
  if (fd_ < 0) throw IoError(os_error_message(path, "cannot open", errno));
}

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

FileDescriptor::FileDescriptor(FileDescriptor&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

uint64_t FileDescriptor::size() const {
  struct stat info {};
  if (::fstat(fd_, &info) != 0) throw IoError(os_error_message(path_, "cannot stat", errno));
  return static_cast<uint64_t>(info.st_size);
}

void FileDescriptor::write_at(uint64_t offset, std::span<const std::byte> bytes) const {
  while (!bytes.empty()) {
    const ssize_t written = ::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (written < 0) {
      if (errno == EINTR) continue;
      throw IoError(os_error_message(path_,
                                     "cannot write " + std::to_string(bytes.size()) +
                                         " bytes at offset " + std::to_string(offset),
                                     errno));
    }
    offset += static_cast<uint64_t>(written);
    bytes = bytes.subspan(static_cast<std::size_t>(written));
  }
}

void FileDescriptor::will_need(uint64_t offset, uint64_t bytes) const {
  if (bytes > 0) {
    ::posix_fadvise(fd_, static_cast<off_t>(offset), static_cast<off_t>(bytes),
                    POSIX_FADV_WILLNEED);
  }
}

void FileDescriptor::read_at(uint64_t offset, std::span<std::byte> out) const {
  const uint64_t first = offset, size = out.size();
  while (!out.empty()) {
    const ssize_t got = ::pread(fd_, out.data(), out.size(), static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw IoError(os_error_message(
          path_,
          "cannot read " + std::to_string(size) + " bytes at offset " + std::to_string(first),
          errno));
    }
    if (got == 0) {
      throw IoError(path_.string() + ": file ends at byte " + std::to_string(offset) +
                    ", expected " + std::to_string(size) + " bytes at offset " +
                    std::to_string(first) + " (truncated?)");
    }
    offset += static_cast<uint64_t>(got);
    out = out.subspan(static_cast<std::size_t>(got));
  }
}

void FileDescriptor::sync() const {
  if (::fsync(fd_) != 0) throw IoError(os_error_message(path_, "fsync failed", errno));
}

void FileDescriptor::close() {
  if (fd_ < 0) return;
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0 && errno != EINTR)
    throw IoError(os_error_message(path_, "close failed", errno));
}

void fsync_directory(const std::filesystem::path& dir) {
  FileDescriptor(dir.empty() ? std::filesystem::path(".") : dir, O_RDONLY | O_DIRECTORY).sync();
}

void fsync_file(const std::filesystem::path& path) { FileDescriptor(path, O_RDONLY).sync(); }

void write_file_durably(const std::filesystem::path& path, std::string_view content) {
  FileDescriptor file(path, O_WRONLY | O_CREAT | O_TRUNC);
  file.write_at(0, std::as_bytes(std::span(content.data(), content.size())));
  file.sync();
  file.close();
}

void replace_file_atomically(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::path temporary = path;
  temporary += ".tmp-" + std::to_string(::getpid());
  try {
    write_file_durably(temporary, content);
  } catch (const IoError&) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);  // a full disk must not leave it half-written
    throw;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::filesystem::remove(temporary);
    throw IoError(
        os_error_message(path, "cannot rename " + temporary.string() + " over it", error));
  }
  fsync_directory(path.parent_path());
}

std::string read_small_file(const std::filesystem::path& path, std::size_t max_bytes) {
  FileDescriptor file(path, O_RDONLY);
  const uint64_t size = file.size();
  if (size > max_bytes) {
    throw IoError(path.string() + ": " + std::to_string(size) + " bytes, expected at most " +
                  std::to_string(max_bytes));
  }
  std::string content(static_cast<std::size_t>(size), '\0');
  file.read_at(0, std::as_writable_bytes(std::span(content.data(), content.size())));
  return content;
}

}  // namespace recis::serialize

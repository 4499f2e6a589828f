#include "recis/orc/input_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "recis/common/error.h"
#include "recis/orc/format_error.h"

namespace recis::orc {
namespace {

class DiskFile final : public InputFile {
 public:
  DiskFile(std::string name, int fd, std::uint64_t size) : InputFile(std::move(name), size), fd_(fd) {}
  ~DiskFile() override { ::close(fd_); }

 protected:
  void read_at(std::uint64_t offset, std::size_t length, char* out) const override {
    while (length > 0) {
      const ssize_t got = ::pread(fd_, out, length, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        throw IoError(name() + ": read of " + std::to_string(length) + " bytes at offset " +
                      std::to_string(offset) + " failed: " +
                      (got < 0 ? std::strerror(errno) : "unexpected end of file"));
      }
      out += got;
      offset += static_cast<std::uint64_t>(got);
      length -= static_cast<std::size_t>(got);
    }
  }

 private:
  int fd_;
};

// The file mapped read-only: streams are read in place, with no copy and no zero-filled buffer.
class MappedFile final : public InputFile {
 public:
  MappedFile(std::string name, const char* data, std::uint64_t size)
      : InputFile(std::move(name), size), data_(data) {}
  ~MappedFile() override { ::munmap(const_cast<char*>(data_), static_cast<std::size_t>(size())); }

 protected:
  void read_at(std::uint64_t offset, std::size_t length, char* out) const override {
    std::memcpy(out, data_ + offset, length);
  }
  const char* data() const override { return data_; }

 private:
  const char* data_;
};

class MemoryFile final : public InputFile {
 public:
  MemoryFile(std::string bytes, std::string name)
      : InputFile(std::move(name), bytes.size()), bytes_(std::move(bytes)) {}

 protected:
  void read_at(std::uint64_t offset, std::size_t length, char* out) const override {
    std::memcpy(out, bytes_.data() + offset, length);
  }
  const char* data() const override { return bytes_.data(); }

 private:
  std::string bytes_;
};

}  // namespace

void InputFile::check_range(std::uint64_t offset, std::uint64_t length, const char* what) const {
  if (offset > size_ || length > size_ - offset) {
    throw FormatError(name_ + ": " + what + " at offset " + std::to_string(offset) + " with " +
                      std::to_string(length) + " bytes lies past the end of the " +
                      std::to_string(size_) + "-byte file");
  }
}

std::optional<std::string_view> InputFile::view(std::uint64_t offset, std::uint64_t length,
                                                const char* what) const {
  check_range(offset, length, what);
  const char* bytes = data();
  if (bytes == nullptr) return std::nullopt;
  return std::string_view(bytes + offset, static_cast<std::size_t>(length));
}

void InputFile::read(std::uint64_t offset, std::uint64_t length, std::string& out,
                     const char* what) const {
  check_range(offset, length, what);
  out.resize(static_cast<std::size_t>(length));
  if (length > 0) read_at(offset, static_cast<std::size_t>(length), out.data());
}

std::unique_ptr<InputFile> InputFile::open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(path.string() + ": cannot open: " + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int saved = errno;
    ::close(fd);
    throw IoError(path.string() + ": cannot stat: " + std::strerror(saved));
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    throw IoError(path.string() + ": not a regular file");
  }
  const auto size = static_cast<std::uint64_t>(info.st_size);
  if (size > 0) {
    void* mapped = ::mmap(nullptr, static_cast<std::size_t>(size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped != MAP_FAILED) {
      ::close(fd);
      return std::make_unique<MappedFile>(path.string(), static_cast<const char*>(mapped), size);
    }
  }
  return std::make_unique<DiskFile>(path.string(), fd, size);
}

std::unique_ptr<InputFile> InputFile::from_memory(std::string bytes, std::string name) {
  return std::make_unique<MemoryFile>(std::move(bytes), std::move(name));
}

}  // namespace recis::orc

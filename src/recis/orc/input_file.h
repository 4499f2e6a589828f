// InputFile: random-access reads of an ORC file's bytes, from disk (memory-mapped, or pread
// where mapping fails) or from memory (tests, fuzzing, data already fetched). Mapped and memory
// files also hand out views without copying. Every read is checked against the file size and
// throws FormatError naming the file when it falls outside. Thread-safety: read() and view() are
// const and safe to call from several threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace recis::orc {

class InputFile {
 public:
  virtual ~InputFile() = default;
  const std::string& name() const { return name_; }
  std::uint64_t size() const { return size_; }

  // Replaces `out` with bytes [offset, offset + length); `what` names them in errors.
  void read(std::uint64_t offset, std::uint64_t length, std::string& out,
            const char* what) const;

  // The bytes [offset, offset + length) in place, valid while this InputFile lives; nullopt when
  // the file is not in memory (then use read()). Throws like read() for a range past the end.
  std::optional<std::string_view> view(std::uint64_t offset, std::uint64_t length,
                                       const char* what) const;

  // Opens a file on disk; throws recis::IoError when it cannot be opened.
  static std::unique_ptr<InputFile> open(const std::filesystem::path& path);
  // Wraps bytes in memory; `name` is used in error messages.
  static std::unique_ptr<InputFile> from_memory(std::string bytes, std::string name);

 protected:
  InputFile(std::string name, std::uint64_t size) : name_(std::move(name)), size_(size) {}
  virtual void read_at(std::uint64_t offset, std::size_t length, char* out) const = 0;
  // The whole file in memory, or nullptr.
  virtual const char* data() const { return nullptr; }

 private:
  void check_range(std::uint64_t offset, std::uint64_t length, const char* what) const;

  std::string name_;
  std::uint64_t size_;
};

}  // namespace recis::orc

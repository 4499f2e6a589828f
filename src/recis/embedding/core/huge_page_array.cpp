#include "recis/embedding/core/huge_page_array.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "recis/common/error.h"

namespace recis::embedding {
namespace {

constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

std::size_t round_to_pages(std::size_t bytes) {
  static const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  if (bytes > std::numeric_limits<std::size_t>::max() - 2 * kHugePageBytes) {
    throw Error("HugePageBuffer: cannot map " + std::to_string(bytes) + " bytes");
  }
  return (bytes + page - 1) / page * page;
}

[[noreturn]] void throw_mapping_error(const char* call, std::size_t bytes) {
  throw Error(std::string("HugePageBuffer: ") + call + " of " + std::to_string(bytes) +
              " bytes failed: " + std::strerror(errno) + " (out of memory or address space?)");
}

void advise_huge_pages(void* data, std::size_t bytes) {
  // Advice only: a kernel without transparent huge pages keeps 4 KiB pages, which is correct.
  if (bytes >= kHugePageBytes) madvise(data, bytes, MADV_HUGEPAGE);
}

// Maps `bytes` (whole pages); a buffer of 2 MiB or more starts on a 2 MiB boundary so that the
// kernel can back every whole 2 MiB of it with a huge page.
void* map_aligned(std::size_t bytes) {
  const std::size_t slack = bytes >= kHugePageBytes ? kHugePageBytes : 0;
  void* raw =
      mmap(nullptr, bytes + slack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw_mapping_error("mmap", bytes);
  if (slack == 0) return raw;
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  if (aligned > start) munmap(raw, aligned - start);
  const std::uintptr_t tail = aligned + bytes;
  const std::uintptr_t end = start + bytes + slack;
  if (end > tail) munmap(reinterpret_cast<void*>(tail), end - tail);
  return reinterpret_cast<void*>(aligned);
}

}  // namespace

HugePageBuffer::HugePageBuffer(std::size_t bytes) {
  if (bytes == 0) return;
  const std::size_t mapped = round_to_pages(bytes);
  void* data = map_aligned(mapped);
  advise_huge_pages(data, mapped);
  data_ = data;
  size_ = mapped;
}

HugePageBuffer::~HugePageBuffer() {
  if (data_) munmap(data_, size_);
}

void HugePageBuffer::grow(std::size_t bytes) {
  if (bytes <= size_) return;
  if (!data_) {
    HugePageBuffer fresh(bytes);
    swap(fresh);
    return;
  }
  const std::size_t mapped = round_to_pages(bytes);
  void* data = mremap(data_, size_, mapped, MREMAP_MAYMOVE);
  if (data == MAP_FAILED) throw_mapping_error("mremap", mapped);
  advise_huge_pages(data, mapped);
  data_ = data;
  size_ = mapped;
}

}  // namespace recis::embedding

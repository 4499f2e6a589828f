#include "recis/embedding/core/huge_page_array.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <string>

#include "recis/common/error.h"

namespace recis::embedding {
namespace {

constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

std::size_t round_to_pages(std::size_t bytes) {
  static const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  if (bytes > std::numeric_limits<std::size_t>::max() - kHugePageBytes) {
    throw Error("HugePageBuffer: cannot map " + std::to_string(bytes) + " bytes");
  }
  // Large buffers round to whole huge pages so the kernel can back all of them with 2 MiB pages.
  const std::size_t unit = bytes >= kHugePageBytes ? kHugePageBytes : page;
  return (bytes + unit - 1) / unit * unit;
}

[[noreturn]] void throw_mapping_error(const char* call, std::size_t bytes) {
  throw Error(std::string("HugePageBuffer: ") + call + " of " + std::to_string(bytes) +
              " bytes failed: " + std::strerror(errno) + " (out of memory or address space?)");
}

void advise_huge_pages(void* data, std::size_t bytes) {
  // Advice only: a kernel without transparent huge pages keeps 4 KiB pages, which is correct.
  if (bytes >= kHugePageBytes) madvise(data, bytes, MADV_HUGEPAGE);
}

}  // namespace

HugePageBuffer::HugePageBuffer(std::size_t bytes) {
  if (bytes == 0) return;
  const std::size_t mapped = round_to_pages(bytes);
  void* data = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED) throw_mapping_error("mmap", mapped);
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

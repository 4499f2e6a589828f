// HugePageArray<T>: a growable array of trivially copyable T in anonymous mmap memory, advised
// for transparent huge pages (madvise(MADV_HUGEPAGE)) once it spans at least 2 MiB. Pages are
// committed when first touched, so unused capacity costs address space only; growth uses mremap
// and never copies through user space. New elements are zero bytes.
// Used by IdMap's shards (control bytes, slots, ids) and RowBlocks (row memory).
// Thread-safety: none; the owner serializes access (IdMap shards hold their lock).
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace recis::embedding {

// Raw memory: `bytes` zero-filled bytes at a page-aligned address.
class HugePageBuffer {
 public:
  HugePageBuffer() = default;
  explicit HugePageBuffer(std::size_t bytes);
  ~HugePageBuffer();
  HugePageBuffer(HugePageBuffer&& other) noexcept { swap(other); }
  HugePageBuffer& operator=(HugePageBuffer&& other) noexcept {
    HugePageBuffer moved(std::move(other));
    swap(moved);
    return *this;
  }
  HugePageBuffer(const HugePageBuffer&) = delete;
  HugePageBuffer& operator=(const HugePageBuffer&) = delete;

  // Grows to at least `bytes`, keeping the contents; the address may change.
  void grow(std::size_t bytes);

  void* data() const { return data_; }
  std::size_t size() const { return size_; }

  void swap(HugePageBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
  }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;  // mapped bytes, a multiple of the page size
};

template <typename T>
class HugePageArray {
  static_assert(std::is_trivially_copyable_v<T>, "HugePageArray holds trivially copyable types");

 public:
  HugePageArray() = default;
  explicit HugePageArray(std::size_t count) : buffer_(count * sizeof(T)) {}

  // Makes room for at least `count` elements, keeping the first capacity() ones.
  void reserve(std::size_t count) {
    if (count > capacity()) buffer_.grow(count * sizeof(T));
  }
  std::size_t capacity() const { return buffer_.size() / sizeof(T); }
  std::size_t mapped_bytes() const { return buffer_.size(); }

  T* data() const { return static_cast<T*>(buffer_.data()); }
  T& operator[](std::size_t i) const { return data()[i]; }

 private:
  HugePageBuffer buffer_;
};

}  // namespace recis::embedding

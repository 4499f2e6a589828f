// IdDedup: deduplicates one batch of ids before a table lookup. unique() holds each distinct id
// once, in order of first occurrence; inverse()[i] is the position of ids[i] in unique();
// counts()[k] how often unique()[k] occurred. Open addressing over a power-of-two table sized
// from the batch, reused between calls, so a steady stream of batches allocates nothing.
// Called by the torch-facing embedding engine once per merged table and batch.
// Thread-safety: one instance per thread (it owns scratch buffers).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace recis::embedding {

class IdDedup {
 public:
  // inverse.size() == ids.size().
  void run(std::span<const int64_t> ids, std::span<int64_t> inverse);

  const std::vector<int64_t>& unique() const { return unique_; }
  const std::vector<uint32_t>& counts() const { return counts_; }

 private:
  std::vector<int64_t> unique_;
  std::vector<uint32_t> counts_;
  std::vector<int32_t> slots_;  // index into unique_ + 1; 0 = empty
};

}  // namespace recis::embedding

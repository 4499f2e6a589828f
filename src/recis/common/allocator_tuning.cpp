#include "recis/common/allocator_tuning.h"

#include <malloc.h>

namespace recis {

void keep_freed_memory_mapped() {
  // Blocks up to 256 MiB come from the heap, and up to 1 GiB of free heap top is kept.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  // Every thread allocates from the main arena, whose heap the trim threshold keeps.
  mallopt(M_ARENA_MAX, 1);
}

}  // namespace recis

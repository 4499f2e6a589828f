// keep_freed_memory_mapped: tunes glibc malloc for a training process, which frees and
// reallocates the same multi-megabyte tensors every step. By default glibc serves such blocks
// with mmap and returns them to the kernel on free, so every step page-faults its buffers in
// again (measured: most of an embedding step's time went to page faults). Raising the mmap and
// trim thresholds keeps freed blocks in the heap for reuse. Called once by the recis CLI at
// start-up; not thread-safe (call before threads start).
#pragma once

namespace recis {

void keep_freed_memory_mapped();

}  // namespace recis

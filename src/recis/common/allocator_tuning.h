// keep_freed_memory_mapped: tunes glibc malloc for a training process, which frees and
// reallocates the same multi-megabyte buffers every step. By default glibc serves such blocks
// with mmap and returns them to the kernel on free, so every step page-faults its buffers in
// again (measured: most of an embedding step's time went to page faults). Raising the mmap and
// trim thresholds keeps freed blocks in the heap for reuse. Threads other than main get arenas
// of 64 MiB heaps, and glibc unmaps a secondary heap as soon as it is wholly free, whatever the
// trim threshold: the dataset's decode threads and the thread pools then page-fault their
// buffers in again for every stripe. One arena for all threads
// avoids that (measured: `recis bench dataset` 0.92 -> 2.0 M rows/s, DeepFM fp32 training
// 26k -> 34k samples/s); the hot paths allocate few, large blocks, so the shared lock costs little.
// Called once by the recis CLI at start-up; not thread-safe (call before threads start).
#pragma once

namespace recis {

void keep_freed_memory_mapped();

}  // namespace recis

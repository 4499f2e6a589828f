// size_blas_threads: keeps OpenBLAS from oversubscribing the cores. Debian's libtorch runs fp32
// matrix products through the system BLAS; with the pthreads build of OpenBLAS (Debian's default,
// libopenblas0-pthread) those products run on OpenBLAS's own thread pool beside libtorch's OpenMP
// team, and on a machine whose cores the intra-op team already holds both busy-wait for the same
// cores (measured on 2 cores, DeepFM fp32 `recis train`: 35k samples/s with OpenBLAS on 2
// threads, 48.7k on 1). So a pthreads OpenBLAS gets one thread; an OpenMP build shares
// libtorch's team and gets `intra_op_threads`. Found at run time (dlsym), so a libtorch on
// another BLAS is left alone, as is an OPENBLAS_NUM_THREADS the user set.
// Called by the recis CLI after sizing the intra-op threads. Not thread-safe (start-up only).
#pragma once

#include <cstddef>

namespace recis {

void size_blas_threads(std::size_t intra_op_threads);

}  // namespace recis

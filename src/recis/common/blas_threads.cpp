#include "recis/common/blas_threads.h"

#include <dlfcn.h>

#include <cstdlib>

namespace recis {
namespace {

// openblas_get_parallel(): 0 sequential, 1 pthreads, 2 OpenMP.
constexpr int kOpenBlasPthreads = 1;

}  // namespace

void size_blas_threads(std::size_t intra_op_threads) {
  if (std::getenv("OPENBLAS_NUM_THREADS") != nullptr) return;
  using GetParallel = int (*)();
  using SetThreads = void (*)(int);
  const auto get_parallel =
      reinterpret_cast<GetParallel>(dlsym(RTLD_DEFAULT, "openblas_get_parallel"));
  const auto set_threads =
      reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (get_parallel == nullptr || set_threads == nullptr) return;
  set_threads(get_parallel() == kOpenBlasPthreads ? 1 : static_cast<int>(intra_op_threads));
}

}  // namespace recis

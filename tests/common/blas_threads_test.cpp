// size_blas_threads against the OpenBLAS the libtorch build loads (scripts/install-deps.sh
// installs the pthreads build): loaded here with dlopen, as libtorch loads it, then asked for its
// thread count after sizing.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "recis/common/blas_threads.h"

namespace recis {
namespace {

struct OpenBlas {
  int (*get_parallel)() = nullptr;
  int (*get_threads)() = nullptr;
  void (*set_threads)(int) = nullptr;
};

OpenBlas load_openblas() {
  void* library = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_GLOBAL);
  OpenBlas blas;
  if (library == nullptr) return blas;
  blas.get_parallel = reinterpret_cast<int (*)()>(dlsym(library, "openblas_get_parallel"));
  blas.get_threads = reinterpret_cast<int (*)()>(dlsym(library, "openblas_get_num_threads"));
  blas.set_threads = reinterpret_cast<void (*)(int)>(dlsym(library, "openblas_set_num_threads"));
  return blas;
}

TEST(BlasThreads, APthreadsOpenBlasGetsOneThreadAndAnOpenMpOneTheIntraOpCount) {
  const OpenBlas blas = load_openblas();
  ASSERT_NE(blas.get_threads, nullptr) << "libopenblas.so.0 (libopenblas0-pthread) not found";
  blas.set_threads(4);
  size_blas_threads(2);
  EXPECT_EQ(blas.get_threads(), blas.get_parallel() == 1 ? 1 : 2);
}

TEST(BlasThreads, AnOpenBlasThreadCountTheUserSetIsKept) {
  const OpenBlas blas = load_openblas();
  ASSERT_NE(blas.get_threads, nullptr) << "libopenblas.so.0 (libopenblas0-pthread) not found";
  blas.set_threads(2);
  const int before = blas.get_threads();
  ASSERT_GT(before, 1);
  setenv("OPENBLAS_NUM_THREADS", "2", 1);
  size_blas_threads(2);
  unsetenv("OPENBLAS_NUM_THREADS");
  EXPECT_EQ(blas.get_threads(), before);
}

}  // namespace
}  // namespace recis

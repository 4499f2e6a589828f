// bin/recis-torch: every `recis` command, with libtorch. bin/recis (front_main.cpp) runs the
// torch-free commands itself and replaces itself with this executable for the others.
#include <ATen/Parallel.h>

#include <cstdlib>

#include "recis/cli/cli_main.h"
#include "recis/common/blas_threads.h"
#include "recis/common/logging.h"

int main(int argc, char** argv) {
  return recis::cli::run_cli(argc, argv, [](std::size_t threads) {
    at::set_num_threads(static_cast<int>(threads));
    recis::size_blas_threads(threads);
    const char* policy = std::getenv("OMP_WAIT_POLICY");
    RECIS_LOG(Debug) << "OpenMP wait policy: " << (policy ? policy : "libgomp's default");
  });
}

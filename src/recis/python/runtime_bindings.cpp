// Process start-up for a Python process that imports recis: the allocator tuning and thread
// budget the recis CLI applies in main() (allocator_tuning.h, threads.h, blas_threads.h), and
// set_num_threads to override it (as --threads does). Also the log level.
#include <ATen/Parallel.h>

#include "recis/common/allocator_tuning.h"
#include "recis/common/blas_threads.h"
#include "recis/common/logging.h"
#include "recis/common/threads.h"
#include "recis/python/bindings.h"

namespace recis::python {
namespace {

void apply_threads(std::size_t threads) {
  set_configured_threads(threads);
  at::set_num_threads(static_cast<int>(configured_threads()));
  size_blas_threads(configured_threads());
}

}  // namespace

void bind_runtime(pybind11::module_& m) {
  keep_freed_memory_mapped();
  apply_threads(0);
  m.def("set_num_threads", &apply_threads, pybind11::arg("threads"),
        "Compute and IO threads of every engine made afterwards and torch's intra-op threads "
        "(0: the CPUs available, or RECIS_THREADS).");
  m.def("num_threads", &configured_threads);
  m.def(
      "set_log_level", [](const std::string& level) { log::set_level(log::parse_level(level)); },
      pybind11::arg("level"), "debug | info | warning | error | off");
}

}  // namespace recis::python

// recis._C: the engine behind the `recis` Python package. Importing it tunes the allocator and
// sizes the thread budget as the recis CLI does (runtime_bindings.cpp), then registers every area.
#include "recis/python/bindings.h"

PYBIND11_MODULE(_C, m) {
  m.doc() = "RecIS engine bindings (used by the recis package; not a public API)";
  recis::python::bind_errors(m);
  recis::python::bind_runtime(m);
  recis::python::bind_io(m);
  recis::python::bind_features(m);
  recis::python::bind_embedding(m);
  recis::python::bind_optim(m);
  recis::python::bind_metrics(m);
  recis::python::bind_checkpoint(m);
  recis::python::bind_run_log(m);
  recis::python::bind_dist(m);
  recis::python::bind_ragged(m);
}

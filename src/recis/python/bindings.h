// The pieces of the recis._C extension module, one function per area (one .cpp each), called once
// by module.cpp when Python imports recis._C. Each registers its classes and functions on `m`.
// Thread-safety: run under the GIL at import.
#pragma once

#include <torch/extension.h>

namespace recis::python {

void bind_errors(pybind11::module_& m);
void bind_runtime(pybind11::module_& m);
void bind_io(pybind11::module_& m);
void bind_features(pybind11::module_& m);
void bind_embedding(pybind11::module_& m);
void bind_optim(pybind11::module_& m);
void bind_metrics(pybind11::module_& m);
void bind_checkpoint(pybind11::module_& m);
void bind_run_log(pybind11::module_& m);
void bind_dist(pybind11::module_& m);
void bind_ragged(pybind11::module_& m);

}  // namespace recis::python

// C++ errors as Python exceptions, with the engine's one-line messages: ConfigError -> ValueError,
// IoError -> OSError, any other recis::Error -> RuntimeError, a libtorch error -> RuntimeError
// without its C++ backtrace.
#include <c10/util/Exception.h>

#include "recis/common/error.h"
#include "recis/python/bindings.h"

namespace recis::python {

void bind_errors(pybind11::module_& m) {
  pybind11::register_exception_translator([](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const ConfigError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const IoError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    } catch (const c10::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what_without_backtrace());
    }
  });
}

}  // namespace recis::python

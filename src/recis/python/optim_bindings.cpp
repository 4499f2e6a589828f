// recis._C.SparseOptimizer: an optim::SparseOptimizer made from RecIS-style keyword arguments
// (the keys of docs/optimizers.md, checked by make_sparse_optimizer), updating the rows of the
// tables recis.optim attaches. step() gathers each table's accumulated gradient from its
// EmbeddingHandle (after accumulating the last backward) and updates the rows in one call.
#include <toml++/toml.h>

#include "recis/common/error.h"
#include "recis/optim/optimizer_config.h"
#include "recis/python/embedding_handle.h"

namespace py = pybind11;

namespace recis::python {
namespace {

toml::table config_of(const py::dict& kwargs) {
  toml::table config;
  for (const auto& [key, value] : kwargs) {
    const std::string name = py::cast<std::string>(key);
    if (py::isinstance<py::bool_>(value)) {
      config.insert(name, py::cast<bool>(value));
    } else if (py::isinstance<py::int_>(value)) {
      config.insert(name, py::cast<int64_t>(value));
    } else if (py::isinstance<py::float_>(value)) {
      config.insert(name, py::cast<double>(value));
    } else if (py::isinstance<py::str>(value)) {
      config.insert(name, py::cast<std::string>(value));
    } else {
      throw ConfigError("sparse optimizer: '" + name + "' must be a number, bool or string");
    }
  }
  return config;
}

using TableRef = std::pair<EmbeddingHandle*, std::size_t>;

class SparseOptimizerHandle {
 public:
  // The world size is 1 here: recis.optim folds the mean over the ranks into step()'s scale.
  explicit SparseOptimizerHandle(const py::dict& kwargs)
      : optimizer_(optim::make_sparse_optimizer(config_of(kwargs), 1, 0, "sparse optimizer")) {}

  void attach(EmbeddingHandle& handle, const std::string& table) {
    const std::size_t index = handle.table_index(table);
    handle.set_slots(index, optimizer_->slots(handle.plan().tables[index].options.dim));
  }

  // Updates the rows of every table in `tables` that has a gradient; `scale` multiplies the
  // gradients first (1 / accumulation steps, and 1 / ranks for grad_reduce_by "worker").
  void step(const std::vector<TableRef>& tables, double scale) {
    py::gil_scoped_release release;
    std::vector<EmbeddingHandle*> accumulated;
    std::vector<embedding::SparseGrad> grads;
    for (const auto& [handle, table] : tables) {
      if (!handle->built()) continue;
      if (std::find(accumulated.begin(), accumulated.end(), handle) == accumulated.end()) {
        handle->engine().accumulate_gradients();
        accumulated.push_back(handle);
      }
      if (auto grad = handle->engine().take_gradient(table)) {
        if (scale != 1.0) grad->values = grad->values * scale;
        grads.push_back(std::move(*grad));
      }
    }
    optimizer_->step(grads);
  }

  optim::SparseOptimizer& get() { return *optimizer_; }

 private:
  std::unique_ptr<optim::SparseOptimizer> optimizer_;
};

}  // namespace

void bind_optim(py::module_& m) {
  py::class_<SparseOptimizerHandle>(m, "SparseOptimizer")
      .def(py::init<const py::dict&>(), py::arg("config"))
      .def("attach", &SparseOptimizerHandle::attach, py::arg("handle"), py::arg("table"))
      .def("step", &SparseOptimizerHandle::step, py::arg("tables"), py::arg("scale") = 1.0)
      .def("name", [](SparseOptimizerHandle& o) { return std::string(o.get().name()); })
      .def("set_lr", [](SparseOptimizerHandle& o, double lr) { o.get().set_lr(lr); })
      .def("lr", [](SparseOptimizerHandle& o) { return o.get().lr(); })
      .def("step_count", [](SparseOptimizerHandle& o) { return o.get().step_count(); })
      .def("state", [](SparseOptimizerHandle& o) { return o.get().state().dump(); })
      .def(
          "load_state",
          [](SparseOptimizerHandle& o, const std::string& state) {
            nlohmann::json parsed;
            try {
              parsed = nlohmann::json::parse(state);
            } catch (const nlohmann::json::exception& error) {
              throw ConfigError(std::string("sparse optimizer state: not JSON (") + error.what() +
                                ")");
            }
            o.get().load_state(parsed);
          },
          py::arg("state"));
}

}  // namespace recis::python

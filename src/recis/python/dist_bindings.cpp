// recis._C.adopt_process_group(group, store, timeout_s): makes the process group behind Python's
// torch.distributed (its default group and store, recis/_distributed.py passes them) the one the
// engine's sharded tables exchange rows on — no second store or group is formed.
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>

#include <chrono>

#include "recis/common/error.h"
#include "recis/python/bindings.h"
#include "recis/python/process_group.h"

namespace py = pybind11;

namespace recis::python {
namespace {

std::shared_ptr<dist::Communicator>& adopted() {
  static std::shared_ptr<dist::Communicator> communicator;
  return communicator;
}

}  // namespace

std::shared_ptr<dist::Communicator> adopted_communicator() { return adopted(); }

void bind_dist(py::module_& m) {
  m.def(
      "adopt_process_group",
      [](c10::intrusive_ptr<c10d::ProcessGroup> group, c10::intrusive_ptr<c10d::Store> store,
         double timeout_s) {
        if (!(timeout_s > 0)) {
          throw ConfigError("adopt_process_group: timeout_s must be > 0, got " +
                            std::to_string(timeout_s));
        }
        adopted() = std::make_shared<dist::Communicator>(
            std::move(group), std::move(store),
            std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000)));
      },
      py::arg("group"), py::arg("store"), py::arg("timeout_s"));
}

}  // namespace recis::python

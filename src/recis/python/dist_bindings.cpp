// recis._C.adopt_process_group(group, store, timeout_s): makes the process group behind Python's
// torch.distributed (its default group and store, recis/_distributed.py passes them) the one the
// engine's sharded tables exchange rows on — no second store or group is formed.
// recis._C.all_reduce_sum / broadcast: the package's own collectives (the Trainer's gradients,
// agreements and starting state, the metrics' counts) on that communicator. Each runs on a copy
// made here, never on the caller's tensor: the group's worker thread may drop its reference to a
// collective's tensors after the caller returns, and dropping the last reference to a tensor that
// Python has seen takes the GIL — after the interpreter began to exit that ends the thread inside
// a noexcept destructor and aborts the process (torch.distributed's own collectives do that at
// exit, now and then). A copy that Python never sees is freed without the GIL.
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

dist::Communicator& communicator_for(const char* collective) {
  if (!adopted()) {
    throw Error(std::string("dist: ") + collective +
                " needs the default process group adopted first (recis._distributed)");
  }
  return *adopted();
}

// Runs `collective` on a contiguous copy of `tensor` that only C++ holds, then copies the result
// back into `tensor` (see the top of this file for why).
template <typename Collective>
void on_private_copy(torch::Tensor& tensor, Collective collective) {
  std::vector<torch::Tensor> copy{tensor.contiguous().clone()};
  {
    py::gil_scoped_release release;
    collective(copy);
  }
  tensor.copy_(copy[0]);
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
  m.def(
      "all_reduce_sum",
      [](torch::Tensor tensor, const std::string& what) {
        dist::Communicator& communicator = communicator_for("all_reduce_sum");
        on_private_copy(tensor, [&](std::vector<torch::Tensor>& copy) {
          communicator.all_reduce_sum(copy, what.c_str());
        });
        return tensor;
      },
      py::arg("tensor"), py::arg("what"));
  m.def(
      "broadcast",
      [](torch::Tensor tensor, int source, const std::string& what) {
        dist::Communicator& communicator = communicator_for("broadcast");
        on_private_copy(tensor, [&](std::vector<torch::Tensor>& copy) {
          communicator.broadcast(copy, source, what.c_str());
        });
        return tensor;
      },
      py::arg("tensor"), py::arg("source"), py::arg("what"));
}

}  // namespace recis::python

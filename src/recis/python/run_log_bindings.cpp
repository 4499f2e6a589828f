// _C.RunLog: the CLI's progress line (ProgressHook) and OUTPUT/metrics.jsonl + curves.png
// (MetricsFileHook) for recis.framework.Trainer, so a Python run reports exactly as `recis train`.
// step()/eval() take the records as keyword arguments (StepRecord, EvalRecord fields); finish()
// draws the curves. Called under the GIL by one Trainer.
#include <unistd.h>

#include <cmath>
#include <memory>
#include <vector>

#include "recis/python/bindings.h"
#include "recis/train/builtin_hooks.h"

namespace py = pybind11;

namespace recis::python {
namespace {

class RunLog {
 public:
  RunLog(const std::string& output_dir, int64_t log_every) {
    hooks_.push_back(std::make_unique<train::ProgressHook>(isatty(STDERR_FILENO) != 0, log_every));
    hooks_.push_back(std::make_unique<train::MetricsFileHook>(output_dir, log_every));
  }

  void step(const train::StepRecord& record) {
    for (auto& hook : hooks_) hook->record_step(record);
  }
  void eval(const train::EvalRecord& record) {
    for (auto& hook : hooks_) hook->record_eval(record);
  }
  void finish() {
    for (auto& hook : hooks_) hook->finish();
  }

 private:
  std::vector<std::unique_ptr<train::RecordHook>> hooks_;
};

}  // namespace

void bind_run_log(py::module_& m) {
  const double nan = std::nan("");
  py::class_<RunLog>(m, "RunLog")
      .def(py::init<const std::string&, int64_t>(), py::arg("output_dir"), py::arg("log_every"))
      .def(
          "step",
          [](RunLog& log, int64_t step, int64_t epoch, int64_t samples, double loss, double auc,
             double samples_per_s, double elapsed_s, double progress) {
            log.step({step, epoch, samples, loss, auc, samples_per_s, elapsed_s, progress});
          },
          py::arg("step"), py::arg("epoch"), py::arg("samples"), py::arg("loss"),
          py::arg("auc") = nan, py::arg("samples_per_s"), py::arg("elapsed_s"),
          py::arg("progress"))
      .def(
          "eval",
          [](RunLog& log, int64_t step, int64_t samples, double auc, double logloss,
             double calibration, double gauc, double seconds) {
            log.eval({step, samples, auc, logloss, calibration, gauc, seconds});
          },
          py::arg("step"), py::arg("samples"), py::arg("auc") = nan, py::arg("logloss") = nan,
          py::arg("calibration") = nan, py::arg("gauc") = nan, py::arg("seconds"))
      .def("finish", &RunLog::finish);
}

}  // namespace recis::python

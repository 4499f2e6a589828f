// recis._C.FeatureRunner: a feature::Engine (fused ops) for recis.features.FeatureEngine. Each
// feature comes as (name, [op dicts]) with the keys of docs/features.md ({"op": "mod", "m": 100});
// run() takes a batch dict and returns the engine's output dict, computed with the GIL released.
#include "recis/common/error.h"
#include "recis/feature/engine.h"
#include "recis/python/batch_convert.h"

namespace py = pybind11;

namespace recis::python {
namespace {

void add_op(feature::Feature& feature, const py::dict& op) {
  const std::string name = py::cast<std::string>(op["op"]);
  if (name == "select") {
    if (op.contains("columns")) {
      feature.select_fields(py::cast<std::vector<std::string>>(op["columns"]));
    } else {
      feature.select(py::cast<std::string>(op["column"]));
    }
  } else if (name == "hash") {
    feature.hash(py::cast<std::string>(op["kind"]));
  } else if (name == "mod") {
    feature.mod(py::cast<int64_t>(op["m"]));
  } else if (name == "bucketize") {
    feature.bucketize(py::cast<std::vector<double>>(op["boundaries"]));
  } else if (name == "cross") {
    feature.cross();
  } else if (name == "truncate") {
    feature.truncate(py::cast<int64_t>(op["seq_len"]), py::cast<std::string>(op["side"]),
                     py::cast<bool>(op["check_length"]), py::cast<int>(op["n_dims"]));
  } else if (name == "multi_hash") {
    feature.multi_hash(py::cast<std::vector<int64_t>>(op["num_buckets"]));
  } else if (name == "log1p") {
    feature.log1p();
  } else if (name == "normalize") {
    feature.normalize(py::cast<double>(op["mean"]), py::cast<double>(op["std"]));
  } else if (name == "fill_missing") {
    feature.fill_missing(py::cast<double>(op["value"]));
  } else if (name == "clip") {
    feature.clip(py::cast<double>(op["lo"]), py::cast<double>(op["hi"]));
  } else {
    throw ConfigError("feature '" + feature.name() + "': unknown op '" + name + "'");
  }
}

class FeatureRunner {
 public:
  explicit FeatureRunner(const std::vector<std::pair<std::string, py::list>>& definitions) {
    std::vector<feature::Feature> features;
    for (const auto& [name, ops] : definitions) {
      feature::Feature feature(name);
      for (py::handle op : ops) add_op(feature, py::cast<py::dict>(op));
      features.push_back(std::move(feature));
    }
    engine_ = std::make_unique<feature::Engine>(std::move(features));
  }

  py::dict run(const py::dict& batch, bool fused) const {
    const ragged::Batch input = batch_from_python(batch);
    ragged::Batch output;
    {
      py::gil_scoped_release release;
      output = engine_->run(
          input, fused ? feature::ExecutionMode::Fused : feature::ExecutionMode::PerFeature);
    }
    return batch_to_python(output);
  }

  std::vector<std::string> output_names() const { return engine_->output_names(); }
  std::size_t computed() const { return engine_->computed_feature_count(); }

 private:
  std::unique_ptr<feature::Engine> engine_;
};

}  // namespace

void bind_features(py::module_& m) {
  py::class_<FeatureRunner>(m, "FeatureRunner")
      .def(py::init<const std::vector<std::pair<std::string, py::list>>&>(), py::arg("features"))
      .def("run", &FeatureRunner::run, py::arg("batch"), py::arg("fused") = true)
      .def("output_names", &FeatureRunner::output_names)
      .def("computed_feature_count", &FeatureRunner::computed);
}

}  // namespace recis::python

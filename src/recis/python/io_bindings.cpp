// recis._C.OrcReader: io::OrcDataset for recis.io.OrcDataset. Batches are decoded in the
// dataset's C++ threads; next() waits for one with the GIL released and hands it over as a dict of
// tensors and RaggedTensors. state()/restore() are the dataset's exact position as JSON text.
// shard_rows(...) (the reader's arguments) counts the rows of a worker's shard per epoch from the
// files' footers, starting no reader threads.
// close() stops the threads; any later call raises ValueError. Calls from several Python threads
// are serialized.
#include <mutex>

#include "recis/common/error.h"
#include "recis/io/file_plan.h"
#include "recis/io/orc_dataset.h"
#include "recis/python/batch_convert.h"

namespace py = pybind11;

namespace recis::python {
namespace {

class OrcReader {
 public:
  explicit OrcReader(io::OrcDatasetOptions options) {
    py::gil_scoped_release release;
    dataset_ = std::make_unique<io::OrcDataset>(std::move(options));
  }

  py::object next() {
    std::optional<ragged::Batch> batch;
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mutex_);
      batch = open().next();
    }
    if (!batch) return py::none();
    return batch_to_python(*batch);
  }

  std::string state() {
    std::lock_guard<std::mutex> lock(mutex_);
    return open().state().dump();
  }

  void restore(const std::string& state) {
    nlohmann::json parsed;
    try {
      parsed = nlohmann::json::parse(state);
    } catch (const nlohmann::json::exception& error) {
      throw ConfigError(std::string("io state: not JSON (") + error.what() + ")");
    }
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(mutex_);
    open().restore(parsed);
  }

  void close() {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(mutex_);
    dataset_.reset();
  }

 private:
  io::OrcDataset& open() {
    if (!dataset_) throw ConfigError("OrcDataset: the reader is closed");
    return *dataset_;
  }

  std::mutex mutex_;
  std::unique_ptr<io::OrcDataset> dataset_;
};

io::OrcDatasetOptions reader_options(const std::vector<std::string>& paths, int64_t batch_size,
                                     std::size_t worker_idx, std::size_t worker_num,
                                     std::size_t read_threads, std::size_t prefetch,
                                     bool drop_remainder, bool shuffle, uint64_t seed,
                                     const std::string& float_dtype, const py::list& columns) {
  io::OrcDatasetOptions options;
  options.paths.assign(paths.begin(), paths.end());
  options.with_batch_size(batch_size)
      .with_worker(worker_idx, worker_num)
      .with_read_threads(read_threads)
      .with_prefetch(prefetch)
      .with_drop_remainder(drop_remainder)
      .with_shuffle(shuffle, seed);
  if (float_dtype == "float64") {
    options.with_float_dtype(torch::kFloat64);
  } else if (float_dtype != "float32") {
    throw ConfigError("OrcDataset dtype: expected float32 or float64 for reading, got " +
                      float_dtype);
  }
  for (py::handle item : columns) {
    const py::dict column = py::cast<py::dict>(item);
    const std::string name = py::cast<std::string>(column["name"]);
    if (py::cast<std::string>(column["kind"]) == "fixedlen") {
      options.fixedlen(name, py::cast<std::vector<double>>(column["default_value"]));
    } else {
      const std::string hash = py::cast<std::string>(column["hash_type"]);
      options.varlen(name, parse_hash_kind(hash, "varlen_feature '" + name + "' hash_type"),
                     py::cast<uint64_t>(column["hash_bucket"]));
    }
  }
  options.validate();
  return options;
}

}  // namespace

void bind_io(py::module_& m) {
  m.def(
      "shard_rows",
      [](const std::vector<std::string>& paths, int64_t batch_size, std::size_t worker_idx,
         std::size_t worker_num, std::size_t read_threads, std::size_t prefetch,
         bool drop_remainder, bool shuffle, uint64_t seed, const std::string& float_dtype,
         const py::list& columns) {
        const io::OrcDatasetOptions options =
            reader_options(paths, batch_size, worker_idx, worker_num, read_threads, prefetch,
                           drop_remainder, shuffle, seed, float_dtype, columns);
        py::gil_scoped_release release;
        uint64_t rows = 0;
        for (const io::WorkUnit& unit : io::FilePlan::build(options).shard_units(0, options)) {
          rows += unit.rows;
        }
        return rows;
      },
      py::arg("paths"), py::arg("batch_size"), py::arg("worker_idx"), py::arg("worker_num"),
      py::arg("read_threads"), py::arg("prefetch"), py::arg("drop_remainder"), py::arg("shuffle"),
      py::arg("seed"), py::arg("float_dtype"), py::arg("columns"));
  py::class_<OrcReader>(m, "OrcReader")
      .def(py::init([](const std::vector<std::string>& paths, int64_t batch_size,
                       std::size_t worker_idx, std::size_t worker_num, std::size_t read_threads,
                       std::size_t prefetch, bool drop_remainder, bool shuffle, uint64_t seed,
                       const std::string& float_dtype, const py::list& columns) {
             return std::make_unique<OrcReader>(
                 reader_options(paths, batch_size, worker_idx, worker_num, read_threads, prefetch,
                                drop_remainder, shuffle, seed, float_dtype, columns));
           }),
           py::arg("paths"), py::arg("batch_size"), py::arg("worker_idx"), py::arg("worker_num"),
           py::arg("read_threads"), py::arg("prefetch"), py::arg("drop_remainder"),
           py::arg("shuffle"), py::arg("seed"), py::arg("float_dtype"), py::arg("columns"))
      .def("next", &OrcReader::next)
      .def("state", &OrcReader::state)
      .def("restore", &OrcReader::restore, py::arg("state"))
      .def("close", &OrcReader::close);
}

}  // namespace recis::python

// recis._C.EmbeddingHandle: the tables behind recis.nn (embedding_handle.h). Python describes each
// feature as a dict (the keys read below; recis/nn/modules/embedding.py builds them from an
// EmbeddingOption) and reads tables back for HashTable's ids()/embeddings() and tests.
#include "recis/common/error.h"
#include "recis/python/embedding_handle.h"

namespace py = pybind11;

namespace recis::python {
namespace {

using embedding::EmbeddingOptions;

template <typename T>
T get_or(const py::dict& dict, const char* key, T fallback) {
  return dict.contains(key) && !dict[key].is_none() ? py::cast<T>(dict[key]) : fallback;
}

embedding::InitializerSpec initializer_of(const py::dict& spec) {
  embedding::InitializerSpec out;
  out.kind = embedding::parse_init_kind(py::cast<std::string>(spec["kind"]));
  out.value = get_or(spec, "value", out.value);
  out.low = get_or(spec, "low", out.low);
  out.high = get_or(spec, "high", out.high);
  out.mean = get_or(spec, "mean", out.mean);
  out.stddev = get_or(spec, "stddev", out.stddev);
  out.lower = get_or(spec, "lower", out.lower);
  out.upper = get_or(spec, "upper", out.upper);
  out.gain = get_or(spec, "gain", out.gain);
  out.fan_in = get_or(spec, "fan_in", out.fan_in);
  out.fan_out = get_or(spec, "fan_out", out.fan_out);
  out.kaiming_fan_out = get_or(spec, "kaiming_fan_out", out.kaiming_fan_out);
  return out;
}

embedding::AdmissionOptions admission_of(const std::string& mode, int64_t threshold,
                                         const std::string& feature) {
  embedding::AdmissionOptions out;
  if (mode == "always") return out;
  if (mode == "read_only") {
    out.mode = embedding::AdmissionMode::ReadOnly;
    return out;
  }
  if (mode != "count") {
    throw ConfigError("embedding '" + feature + "' admit_hook: unknown admission '" + mode + "'");
  }
  if (threshold < 1 || threshold > 255) {
    throw ConfigError("embedding '" + feature +
                      "' admit_hook: threshold must be in [1, 255], got " +
                      std::to_string(threshold));
  }
  out.mode = embedding::AdmissionMode::CountThreshold;
  out.threshold = static_cast<uint32_t>(threshold);
  return out;
}

FeatureBinding feature_of(const py::dict& spec) {
  FeatureBinding out;
  EmbeddingOptions& o = out.options;
  o.name = py::cast<std::string>(spec["name"]);
  const int64_t dim = py::cast<int64_t>(spec["dim"]);
  if (dim < 1) throw ConfigError("embedding '" + o.name + "': embedding_dim must be >= 1");
  o.dim = static_cast<std::size_t>(dim);
  o.shared_name = get_or<std::string>(spec, "shared_name", "");
  const int64_t tile_len = get_or<int64_t>(spec, "tile_len", 0);
  if (tile_len < 0) throw ConfigError("embedding '" + o.name + "': tile_len must be >= 0");
  o.with_combiner(embedding::parse_combiner(get_or<std::string>(spec, "combiner", "sum"),
                                            "embedding '" + o.name + "' combiner"),
                  static_cast<std::size_t>(tile_len));
  o.initializer = initializer_of(py::cast<py::dict>(spec["initializer"]));
  o.trainable = get_or(spec, "trainable", true);
  o.dtype = embedding::parse_element_type(get_or<std::string>(spec, "dtype", "fp32"));
  o.admission = admission_of(get_or<std::string>(spec, "admission", "always"),
                             get_or<int64_t>(spec, "admission_threshold", 1), o.name);
  const int64_t ttl = get_or<int64_t>(spec, "ttl_steps", 0);
  const int64_t max_rows = get_or<int64_t>(spec, "max_rows", 0);
  if (ttl < 0 || max_rows < 0) {
    throw ConfigError("embedding '" + o.name + "': filter_step and max_rows must be >= 0");
  }
  o.eviction.ttl_steps = ttl;
  o.eviction.max_rows = static_cast<std::size_t>(max_rows);
  const std::string memory = get_or<std::string>(spec, "memory", "");
  if (!memory.empty()) {
    o.memory.bytes = embedding::parse_byte_size(memory, "embedding '" + o.name + "' memory");
  }
  const int64_t memory_rows = get_or<int64_t>(spec, "memory_rows", 0);
  if (memory_rows < 0) throw ConfigError("embedding '" + o.name + "': memory_rows must be >= 0");
  o.memory.rows = static_cast<std::size_t>(memory_rows);
  o.memory.disk_path = get_or<std::string>(spec, "disk_path", "");
  o.memory.spill = embedding::parse_spill_policy(get_or<std::string>(spec, "spill", "lru"),
                                                 "embedding '" + o.name + "' spill");
  out.use_weight = get_or(spec, "use_weight", true);
  return out;
}

py::list table_plans(const EmbeddingHandle& handle) {
  py::list tables;
  const embedding::MergePlan& plan = handle.plan();
  for (std::size_t t = 0; t < plan.tables.size(); ++t) {
    py::dict table;
    table["index"] = t;
    table["name"] = plan.tables[t].name;
    table["children"] = plan.tables[t].children;
    table["dim"] = plan.tables[t].options.dim;
    table["dtype"] = std::string(embedding::element_type_name(plan.tables[t].options.element_type));
    table["trainable"] = plan.tables[t].trainable;
    tables.append(table);
  }
  return tables;
}

// Every live row of a table as (ids int64 [n], embeddings float32 [n, dim]), sorted by id; a
// merged table's ids carry their child index in the top 12 bits.
py::tuple table_snapshot(EmbeddingHandle& handle, const std::string& name) {
  embedding::Engine& engine = handle.engine();
  embedding::Table& table = engine.table(handle.table_index(name));
  const embedding::TableCore& core = table.core();
  std::vector<std::pair<int64_t, int64_t>> id_rows;
  core.for_each_row([&](int64_t id, int64_t row) { id_rows.emplace_back(id, row); });
  core.for_each_disk_id([&](int64_t id) { id_rows.emplace_back(id, embedding::TableCore::kOnDisk); });
  std::sort(id_rows.begin(), id_rows.end());
  torch::Tensor ids = torch::empty({static_cast<int64_t>(id_rows.size())}, torch::kInt64);
  std::vector<int64_t> rows(id_rows.size()), disk_ids;
  std::vector<std::size_t> disk_positions;
  for (std::size_t i = 0; i < id_rows.size(); ++i) {
    ids.data_ptr<int64_t>()[i] = id_rows[i].first;
    rows[i] = id_rows[i].second;
    if (rows[i] == embedding::TableCore::kOnDisk) {
      disk_ids.push_back(id_rows[i].first);
      disk_positions.push_back(i);
      rows[i] = embedding::TableCore::kNoRow;
    }
  }
  torch::Tensor values = table.gather(rows, engine.pool());
  // A tiered table's disk rows are read straight from the disk tier (nothing moves to RAM).
  const embedding::RowLayout& layout = core.rows().layout();
  std::vector<std::byte> disk_rows(disk_ids.size() * layout.row_bytes());
  core.read_disk_rows(disk_ids, disk_rows.data());
  for (std::size_t k = 0; k < disk_ids.size(); ++k) {
    layout.load_embedding(disk_rows.data() + k * layout.row_bytes(),
                          {values[static_cast<int64_t>(disk_positions[k])].data_ptr<float>(), layout.dim()});
  }
  return py::make_tuple(ids, values);
}

// Read-only rows of `ids` (zeros for ids without a row), float32 [n, dim].
torch::Tensor table_find(EmbeddingHandle& handle, const std::string& name, torch::Tensor ids) {
  if (ids.scalar_type() != torch::kInt64 || ids.dim() != 1) {
    throw ConfigError("HashTable lookup: expected 1-D int64 ids");
  }
  embedding::Engine& engine = handle.engine();
  embedding::Table& table = engine.table(handle.table_index(name));
  ids = ids.contiguous();
  std::vector<int64_t> rows(static_cast<std::size_t>(ids.numel()));
  table.core().find({ids.data_ptr<int64_t>(), rows.size()}, rows);
  return table.gather(rows, engine.pool());
}

py::dict table_stats(EmbeddingHandle& handle, const std::string& name) {
  const embedding::TableStats stats =
      handle.engine().table(handle.table_index(name)).core().stats();
  py::dict out;
  out["rows"] = stats.rows;
  out["bytes"] = stats.bytes;
  out["lookups"] = stats.lookups;
  out["hits"] = stats.hits;
  out["inserts"] = stats.inserts;
  out["disk_rows"] = stats.disk_rows;
  out["spilled"] = stats.spilled;
  out["promoted"] = stats.promoted;
  out["not_admitted"] = stats.not_admitted;
  out["evicted_by_ttl"] = stats.evicted_by_ttl;
  out["evicted_by_capacity"] = stats.evicted_by_capacity;
  return out;
}

}  // namespace

void bind_embedding(py::module_& m) {
  py::class_<EmbeddingHandle>(m, "EmbeddingHandle")
      .def(py::init([](const py::list& features, uint64_t seed) {
             std::vector<FeatureBinding> bindings;
             for (py::handle feature : features)
               bindings.push_back(feature_of(py::cast<py::dict>(feature)));
             return std::make_unique<EmbeddingHandle>(std::move(bindings), seed);
           }),
           py::arg("features"), py::arg("seed") = 0)
      .def("tables", &table_plans)
      .def("built", &EmbeddingHandle::built)
      .def("forward", &EmbeddingHandle::forward, py::arg("batch"), py::arg("step"),
           py::arg("train"))
      .def("accumulate_gradients",
           [](EmbeddingHandle& handle) {
             if (!handle.built()) return;
             py::gil_scoped_release release;
             handle.engine().accumulate_gradients();
           })
      .def("discard_gradients",
           [](EmbeddingHandle& handle) {
             if (!handle.built()) return;
             py::gil_scoped_release release;
             handle.engine().accumulate_gradients();
             handle.engine().take_gradients();
           })
      .def(
          "evict",
          [](EmbeddingHandle& handle, int64_t step) {
            py::gil_scoped_release release;
            const embedding::TableCore::Evicted evicted = handle.engine().evict(step);
            return std::make_pair(evicted.by_ttl, evicted.by_capacity);
          },
          py::arg("step"))
      .def("snapshot", &table_snapshot, py::arg("table"))
      .def("find", &table_find, py::arg("table"), py::arg("ids"))
      .def("stats", &table_stats, py::arg("table"));
}

}  // namespace recis::python

// `recis data inspect PATHS... [--varlen a,b] [--fixedlen label] [--hash farm] [--batch-size N]
// [--max-rows N]`: opens the paths as an io::OrcDataset and prints, as JSON, the files, schema and
// row count, the first batch's shapes and per-column statistics over the first --max-rows rows
// (ids per row, empty rows, distinct values; for real values the min and max of the finite ones
// and the NaN and Inf counts; the mean for dense columns). With no column
// declared, every column a varlen declaration can read is inspected as varlen.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "recis/cli/command_registry.h"
#include "recis/cli/torch_commands.h"
#include "recis/common/error.h"
#include "recis/io/column_decoder.h"
#include "recis/io/orc_dataset.h"
#include "recis/orc/reader.h"

namespace recis::cli {
namespace {

struct InspectOptions {
  std::vector<std::string> paths;
  std::vector<std::string> varlen;
  std::vector<std::string> fixedlen;
  std::string hash = "farm";
  std::int64_t batch_size = 1024;
  std::uint64_t max_rows = 100000;
};

// Min and max of a column's finite real values, and how many are NaN or infinite: negative
// counts or NaN show here before they reach a log1p in training.
struct RealRange {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::uint64_t finite = 0;
  std::uint64_t nan = 0;
  std::uint64_t inf = 0;

  void add(const torch::Tensor& reals) {
    const torch::Tensor is_finite = torch::isfinite(reals);
    const auto nan_count = static_cast<std::uint64_t>(torch::isnan(reals).sum().item<std::int64_t>());
    const auto finite_count = static_cast<std::uint64_t>(is_finite.sum().item<std::int64_t>());
    nan += nan_count;
    inf += static_cast<std::uint64_t>(reals.numel()) - finite_count - nan_count;
    if (finite_count == 0) return;
    const torch::Tensor finite_values = reals.masked_select(is_finite);
    min = std::min(min, finite_values.min().item<double>());
    max = std::max(max, finite_values.max().item<double>());
    finite += finite_count;
  }

  void write(nlohmann::json& out) const {
    out["min"] = finite ? min : 0.0;
    out["max"] = finite ? max : 0.0;
    out["nan"] = nan;
    out["inf"] = inf;
  }
};

// Running statistics of one column over the scanned batches.
struct ColumnStats {
  std::uint64_t rows = 0;
  std::uint64_t values = 0;
  std::uint64_t empty_rows = 0;
  std::int64_t min_per_row = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_per_row = 0;
  std::unordered_set<std::int64_t> distinct_ids;
  std::unordered_set<double> distinct_reals;
  double sum = 0;  // of the finite values
  RealRange range;

  void add(const ragged::RaggedTensor& ragged) {
    const std::int64_t batch = ragged.batch_size();
    for (std::int64_t r = 0; r < batch; ++r) {
      std::int64_t lo = r, hi = r + 1;
      for (const auto& offsets : ragged.offsets()) {
        const auto* data = offsets.data_ptr<std::int64_t>();
        lo = data[lo];
        hi = data[hi];
      }
      const std::int64_t count = hi - lo;
      min_per_row = std::min(min_per_row, count);
      max_per_row = std::max(max_per_row, count);
      if (count == 0) ++empty_rows;
    }
    rows += static_cast<std::uint64_t>(batch);
    values += static_cast<std::uint64_t>(ragged.values().numel());
    const torch::Tensor values_tensor = ragged.values();
    if (values_tensor.scalar_type() == torch::kInt64) {
      const auto* data = values_tensor.data_ptr<std::int64_t>();
      distinct_ids.insert(data, data + values_tensor.numel());
    } else {
      const torch::Tensor reals = values_tensor.to(torch::kFloat64);
      const auto* data = reals.data_ptr<double>();
      distinct_reals.insert(data, data + reals.numel());
      range.add(reals);
    }
  }

  void add(const torch::Tensor& dense) {
    rows += static_cast<std::uint64_t>(dense.size(0));
    values += static_cast<std::uint64_t>(dense.numel());
    const torch::Tensor reals = dense.to(torch::kFloat64);
    sum += torch::nan_to_num(reals, 0.0, 0.0, 0.0).sum().item<double>();
    range.add(reals);
  }

  nlohmann::json ragged_json() const {
    nlohmann::json out = {{"rows", rows},
            {"values", values},
            {"ids_per_row",
             {{"mean", rows ? static_cast<double>(values) / static_cast<double>(rows) : 0.0},
              {"min", rows ? min_per_row : 0},
              {"max", max_per_row}}},
            {"empty_rows", empty_rows},
            {"distinct_values", distinct_ids.size() + distinct_reals.size()}};
    if (!distinct_reals.empty()) range.write(out);
    return out;
  }
  nlohmann::json dense_json() const {
    nlohmann::json out = {
        {"rows", rows},
        {"mean", range.finite ? sum / static_cast<double>(range.finite) : 0.0}};
    range.write(out);
    return out;
  }
};

nlohmann::json shape_of(const ragged::Column& column) {
  if (const auto* dense = std::get_if<torch::Tensor>(&column)) {
    return {{"dense", dense->sizes().vec()}, {"dtype", ragged::dtype_name(dense->scalar_type())}};
  }
  const auto& ragged = std::get<ragged::RaggedTensor>(column);
  nlohmann::json shape = {{"batch_size", ragged.batch_size()},
                          {"levels", ragged.num_levels()},
                          {"values", ragged.values().numel()},
                          {"dtype", ragged::dtype_name(ragged.values().scalar_type())}};
  if (ragged.has_weights()) shape["weights"] = true;
  return shape;
}

io::OrcDatasetOptions dataset_options(const InspectOptions& options) {
  io::OrcDatasetOptions dataset;
  for (const std::string& path : options.paths) dataset.paths.emplace_back(path);
  dataset.with_worker(0, 1).with_batch_size(options.batch_size);
  const HashKind hash = parse_hash_kind(options.hash, "--hash");
  for (const std::string& name : options.varlen) dataset.varlen(name, hash);
  for (const std::string& name : options.fixedlen) dataset.fixedlen(name, {0.0});
  if (!dataset.columns.empty()) return dataset;
  const auto first = io::list_orc_files(dataset.paths).front();
  const auto reader = orc::Reader::open(first);
  const orc::Type& schema = reader->schema();
  for (std::size_t f = 0; f < schema.field_names().size(); ++f) {
    io::ColumnSpec spec;
    spec.name = schema.field_names()[f];
    spec.hash = hash;
    try {
      io::check_column_type(spec, schema.child(f), first.string());
    } catch (const ConfigError&) {
      continue;  // a type no varlen declaration reads (map, timestamp, ...)
    }
    dataset.columns.push_back(spec);
  }
  if (dataset.columns.empty()) throw ConfigError("data inspect: " + first.string() + " has no column a varlen can read");
  return dataset;
}

void run_inspect(const InspectOptions& options) {
  if (options.batch_size <= 0) throw ConfigError("data inspect: --batch-size must be positive");
  io::OrcDataset dataset(dataset_options(options));
  const io::FilePlan& plan = dataset.plan();
  std::uint64_t total_rows = 0;
  std::uint64_t stripes = 0;
  nlohmann::json files = nlohmann::json::array();
  for (const io::OrcFileInfo& file : plan.files()) {
    files.push_back(file.path.string());
    stripes += file.stripe_rows.size();
    for (const std::uint64_t rows : file.stripe_rows) total_rows += rows;
  }
  nlohmann::json report = {{"files", files},
                           {"skipped_files", plan.skipped_files()},
                           {"schema", orc::Reader::open(plan.files().front().path)->schema().to_string()},
                           {"rows", total_rows},
                           {"stripes", stripes}};
  const auto& columns = dataset.options().columns;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    report["columns"][columns[c].name] = {
        {"type", plan.column_types()[c]},
        {"declared", columns[c].kind == io::ColumnKind::FixedLen ? "fixedlen" : "varlen"}};
  }
  std::vector<ColumnStats> stats(columns.size());
  std::uint64_t scanned = 0;
  while (scanned < options.max_rows) {
    const auto batch = dataset.next();
    if (!batch) break;
    if (scanned == 0) {
      for (const auto& [name, column] : *batch) report["first_batch"][name] = shape_of(column);
    }
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const ragged::Column& column = batch->at(columns[c].name);
      if (const auto* dense = std::get_if<torch::Tensor>(&column)) {
        stats[c].add(*dense);
      } else {
        stats[c].add(std::get<ragged::RaggedTensor>(column));
      }
    }
    scanned += static_cast<std::uint64_t>(ragged::column_rows(batch->begin()->second));
  }
  report["rows_scanned"] = scanned;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    report["stats"][columns[c].name] =
        columns[c].kind == io::ColumnKind::FixedLen ? stats[c].dense_json() : stats[c].ragged_json();
  }
  std::printf("%s\n", report.dump(2).c_str());
}

void setup_data(CLI::App& command) {
  command.require_subcommand(1);
  auto options = std::make_shared<InspectOptions>();
  CLI::App* inspect = command.add_subcommand(
      "inspect", "print schema, rows, first batch shapes and column statistics of ORC data as JSON");
  inspect->add_option("paths", options->paths, "ORC files or directories (searched for *.orc)")->required();
  inspect->add_option("--varlen", options->varlen, "columns read as ragged ids (comma-separated)")->delimiter(',');
  inspect->add_option("--fixedlen", options->fixedlen, "columns read as dense [B, 1], default 0 (comma-separated)")
      ->delimiter(',');
  inspect->add_option("--hash", options->hash, "hash for string values: farm | murmur")->capture_default_str();
  inspect->add_option("--batch-size", options->batch_size, "rows per batch")->capture_default_str();
  inspect->add_option("--max-rows", options->max_rows, "rows the statistics cover")->capture_default_str();
  inspect->callback([options] { run_inspect(*options); });
}

RECIS_REGISTER_COMMAND(kDataCommand.name, kDataCommand.description, setup_data);

}  // namespace
}  // namespace recis::cli

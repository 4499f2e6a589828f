#include "recis/python/embedding_handle.h"

#include "recis/common/error.h"
#include "recis/embedding/table_merging.h"
#include "recis/python/batch_convert.h"
#include "recis/python/process_group.h"

namespace py = pybind11;

namespace recis::python {
namespace {

using embedding::Combiner;

std::vector<embedding::EmbeddingOptions> options_of(const std::vector<FeatureBinding>& features) {
  std::vector<embedding::EmbeddingOptions> options;
  for (const FeatureBinding& feature : features) options.push_back(feature.options);
  return options;
}

// A 3-level input pooled per inner list, as RecIS does: the inner lists become the rows. Every row
// must hold the same number of inner lists (RecIS's "padded" sequences); `lists` receives it.
ragged::RaggedTensor inner_lists_as_rows(const ragged::RaggedTensor& input,
                                         const std::string& feature, int64_t& lists) {
  const torch::Tensor& outer = input.offsets()[0];
  const int64_t batch = input.batch_size();
  const int64_t* bounds = outer.data_ptr<int64_t>();
  lists = batch > 0 ? bounds[batch] / batch : 0;
  for (int64_t row = 0; row < batch; ++row) {
    if (bounds[row + 1] - bounds[row] != lists) {
      throw Error(
          "embedding '" + feature +
          "': a 3-level input pooled with sum or mean needs the "
          "same number of inner lists in every row (pad it with SequenceTruncate(n_dims=3)); "
          "row " +
          std::to_string(row) + " has " + std::to_string(bounds[row + 1] - bounds[row]) +
          ", expected " + std::to_string(lists));
    }
  }
  return ragged::RaggedTensor(input.values(), {input.offsets()[1]}, input.weights());
}

}  // namespace

EmbeddingHandle::EmbeddingHandle(std::vector<FeatureBinding> features, uint64_t seed)
    : features_(std::move(features)),
      seed_(seed),
      plan_(embedding::plan_tables(options_of(features_), seed, true)),
      slots_(plan_.tables.size()) {}

std::size_t EmbeddingHandle::table_index(const std::string& table) const {
  for (std::size_t t = 0; t < plan_.tables.size(); ++t) {
    if (plan_.tables[t].name == table) return t;
  }
  throw ConfigError("embedding: no table '" + table + "'");
}

void EmbeddingHandle::set_slots(std::size_t table, std::vector<embedding::SlotSpec> slots) {
  if (engine_) {
    for (std::size_t t = 0; t < engine_->table_count(); ++t) {
      if (engine_->table(t).core().stats().rows > 0) {
        throw ConfigError("embedding table '" + plan_.tables.at(table).name +
                          "' already holds rows: create the sparse optimizer before the first "
                          "forward or checkpoint load");
      }
    }
    engine_.reset();
  }
  slots_.at(table) = std::move(slots);
}

embedding::Engine& EmbeddingHandle::engine() {
  if (!engine_) {
    embedding::EngineOptions options;
    options.seed = seed_;
    options.communicator = adopted_communicator();
    // Tables with a memory budget and no disk_path keep their disk tier here (docs/tiered.md).
    options.disk_dir = std::filesystem::current_path() / "disk_tier";
    options.slots = [this](const std::string& table, std::size_t) {
      return slots_[table_index(table)];
    };
    engine_ = std::make_unique<embedding::Engine>(options_of(features_), std::move(options));
  }
  return *engine_;
}

py::dict EmbeddingHandle::forward(const py::dict& batch, int64_t step, bool train) {
  embedding::Engine& target = engine();
  struct Reshape {
    std::size_t feature;
    int64_t batch, lists;
  };
  std::vector<Reshape> reshapes;
  ragged::Batch input;
  for (std::size_t f = 0; f < features_.size(); ++f) {
    const embedding::EmbeddingOptions& options = features_[f].options;
    const std::string& column = options.input_column();
    if (!batch.contains(column)) {
      throw Error("embedding '" + options.name + "': the batch has no column '" + column + "'");
    }
    ragged::Column value = column_from_python(batch[py::str(column)], column);
    if (const auto* dense = std::get_if<torch::Tensor>(&value);
        dense && options.combiner == Combiner::Tile) {
      reshapes.push_back({f, dense->size(0), -1});
    }
    if (auto* tensor = std::get_if<ragged::RaggedTensor>(&value)) {
      if (!features_[f].use_weight && tensor->has_weights()) {
        value = ragged::RaggedTensor(tensor->values(), tensor->offsets());
        tensor = &std::get<ragged::RaggedTensor>(value);
      }
      if (tensor->num_levels() == 3 &&
          (options.combiner == Combiner::Sum || options.combiner == Combiner::Mean)) {
        int64_t lists = 0;
        const int64_t rows = tensor->batch_size();
        value = inner_lists_as_rows(*tensor, options.name, lists);
        reshapes.push_back({f, rows, lists});
      }
    }
    input.set(column, std::move(value));
  }
  embedding::EmbeddingOutputs outputs;
  {
    py::gil_scoped_release release;
    outputs = target.forward(input, step,
                             train ? embedding::LookupMode::Train : embedding::LookupMode::Eval);
  }
  for (const Reshape& reshape : reshapes) {
    torch::Tensor& output = outputs.embeddings.at(features_[reshape.feature].options.name);
    // RecIS's shapes: [B, L, dim] per inner list; dense ids with tile give [B, tile_len * dim].
    output = reshape.lists < 0 ? output.reshape({reshape.batch, -1})
                               : output.view({reshape.batch, reshape.lists, output.size(-1)});
  }
  py::dict out;
  for (const FeatureBinding& feature : features_) {
    out[py::str(feature.options.name)] = outputs.embeddings.at(feature.options.name);
  }
  return out;
}

}  // namespace recis::python

// EmbeddingHandle: what recis.nn's EmbeddingEngine, DynamicEmbedding and HashTable hold. It plans
// the physical tables at once (so Python can name them before any row exists) and creates the
// embedding::Engine on first use, after the sparse optimizers have said which slots each table's
// rows carry (RecIS creates the optimizer after the model; its slots join the rows). forward()
// gives RecIS's outputs: per feature [B, dim] (sum, mean), [B, tile_len, dim] (tile), [N, dim]
// (none), and for a 3-level input pooled with sum/mean one vector per inner list, [B, L, dim].
// Gradients reach the tables through accumulate_gradients()/take_gradient() (the optimizer).
// When Python's process group was adopted (process_group.h) the engine is built on it: rows are
// sharded by id over the ranks and every forward exchanges them (all ranks must call alike).
// Callers: embedding_bindings.cpp, optim_bindings.cpp, checkpoint_bindings.cpp.
// Thread-safety: one Python thread at a time (the GIL); work inside runs on the engine's pool.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recis/embedding/engine.h"
#include "recis/python/bindings.h"

namespace recis::python {

struct FeatureBinding {
  embedding::EmbeddingOptions options;
  bool use_weight = true;  // false: the input's weights are ignored
};

class EmbeddingHandle {
 public:
  EmbeddingHandle(std::vector<FeatureBinding> features, uint64_t seed);

  const embedding::MergePlan& plan() const { return plan_; }
  std::size_t table_index(const std::string& table) const;

  // The slots table `table`'s rows carry. Once the engine exists this rebuilds it when no table
  // has a row yet, and throws ConfigError when one has.
  void set_slots(std::size_t table, std::vector<embedding::SlotSpec> slots);
  const std::vector<embedding::SlotSpec>& slots(std::size_t table) const {
    return slots_.at(table);
  }

  // The engine, created on first call.
  embedding::Engine& engine();
  bool built() const { return engine_ != nullptr; }

  // A dict of outputs, one per feature, read from the batch's columns (dict name -> column).
  pybind11::dict forward(const pybind11::dict& batch, int64_t step, bool train);

 private:
  std::vector<FeatureBinding> features_;
  uint64_t seed_;
  embedding::MergePlan plan_;
  std::vector<std::vector<embedding::SlotSpec>> slots_;  // per physical table
  std::unique_ptr<embedding::Engine> engine_;
};

}  // namespace recis::python

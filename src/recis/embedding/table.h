// embedding::Table: one physical embedding table seen through tensors. It owns a TableCore (id map
// over row blocks) and turns a batch of unique ids into row numbers (training lookups admit and
// insert; evaluation finds only) and row numbers into a float32 [n, dim] tensor (zeros for ids
// without a row). Work is split over the engine's thread pool. Made and called by
// embedding::Engine; the sparse optimizers update its rows through core().
// Thread-safety: as TableCore; lookups from several threads are safe.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "recis/common/thread_pool.h"
#include "recis/embedding/core/table_core.h"

namespace recis::embedding {

enum class LookupMode {
  Train,  // admit and insert new ids, touch rows (last step, count)
  Eval,   // read-only: unknown ids read zeros, nothing is inserted or touched
};

class Table {
 public:
  Table(std::string name, std::vector<std::string> children, bool trainable,
        TableOptions options);

  const std::string& name() const { return name_; }
  // The shared names merged into this table; a child's index is its position.
  const std::vector<std::string>& children() const { return children_; }
  bool trainable() const { return trainable_; }
  std::size_t dim() const { return core_.options().dim; }
  TableCore& core() { return core_; }
  const TableCore& core() const { return core_; }

  // rows.size() == ids.size(); ids unique; counts: sightings per id (may be empty).
  void lookup(std::span<const int64_t> ids, std::span<const uint32_t> counts, int64_t step,
              LookupMode mode, std::span<int64_t> rows, ThreadPool& pool);
  // float32 [rows.size(), dim]; a kNoRow row reads zeros.
  torch::Tensor gather(std::span<const int64_t> rows, ThreadPool& pool) const;

 private:
  std::string name_;
  std::vector<std::string> children_;
  bool trainable_;
  TableCore core_;
};

}  // namespace recis::embedding

#include "optim/optim_test_table.h"

#include <numeric>

namespace recis::optim::testing {

TestTable::TestTable(const SparseOptimizer& optimizer, const torch::Tensor& initial,
                     embedding::ElementType type)
    : dim_(static_cast<std::size_t>(initial.size(1))) {
  embedding::TableOptions options;
  options.dim = dim_;
  options.element_type = type;
  options.slots = optimizer.slots(dim_);
  options.rows_per_block = 64;
  core_ = std::make_unique<embedding::TableCore>(options);
  std::vector<int64_t> ids(static_cast<std::size_t>(initial.size(0)));
  std::iota(ids.begin(), ids.end(), 0);
  rows_.resize(ids.size());
  core_->lookup(ids, 0, rows_);
  const torch::Tensor values = initial.to(torch::kFloat32).contiguous();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    core_->rows().write_embedding(rows_[i],
                                  {values[static_cast<int64_t>(i)].data_ptr<float>(), dim_});
  }
}

embedding::SparseGrad TestTable::grad(const std::vector<int64_t>& ids, const torch::Tensor& values,
                                      std::vector<int64_t> counts) const {
  if (counts.empty()) counts.assign(ids.size(), 1);
  std::vector<int64_t> rows;
  for (int64_t id : ids) rows.push_back(row(id));
  embedding::SparseGrad grad;
  grad.table = core_.get();
  grad.ids = torch::tensor(ids, torch::kInt64);
  grad.rows = torch::tensor(rows, torch::kInt64);
  grad.values = values.to(torch::kFloat32).contiguous().clone();
  grad.counts = torch::tensor(counts, torch::kInt64);
  return grad;
}

torch::Tensor TestTable::embeddings() const {
  torch::Tensor out =
      torch::empty({static_cast<int64_t>(rows_.size()), static_cast<int64_t>(dim_)});
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    core_->rows().read_embedding(rows_[i], {out[static_cast<int64_t>(i)].data_ptr<float>(), dim_});
  }
  return out;
}

std::vector<float> TestTable::slot(int64_t id, const std::string& name) const {
  const auto& layout = core_->rows().layout();
  const std::size_t index = layout.slot_index(name);
  const float* data = core_->rows().slot(row(id), index);
  return {data, data + layout.slots()[index].width};
}

}  // namespace recis::optim::testing

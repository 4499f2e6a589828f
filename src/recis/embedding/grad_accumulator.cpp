#include "recis/embedding/grad_accumulator.h"

#include <vector>

namespace recis::embedding {

void GradAccumulator::add(std::span<const int64_t> ids, std::span<const int64_t> rows,
                          std::span<const uint32_t> counts, const torch::Tensor& grad) {
  std::vector<int64_t> kept;
  kept.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (rows[i] != TableCore::kNoRow) kept.push_back(static_cast<int64_t>(i));
  }
  const auto n = static_cast<int64_t>(kept.size());
  torch::Tensor kept_ids = torch::empty({n}, torch::kInt64);
  torch::Tensor kept_rows = torch::empty({n}, torch::kInt64);
  torch::Tensor kept_counts = torch::empty({n}, torch::kInt64);
  int64_t* out_ids = kept_ids.data_ptr<int64_t>();
  int64_t* out_rows = kept_rows.data_ptr<int64_t>();
  int64_t* out_counts = kept_counts.data_ptr<int64_t>();
  for (int64_t k = 0; k < n; ++k) {
    const auto i = static_cast<std::size_t>(kept[static_cast<std::size_t>(k)]);
    out_ids[k] = ids[i];
    out_rows[k] = rows[i];
    out_counts[k] = counts[i];
  }
  torch::Tensor kept_grad = n == static_cast<int64_t>(ids.size())
                                ? grad.contiguous()
                                : grad.index_select(0, torch::tensor(kept, torch::kInt64));
  if (!sum_) {
    sum_ = SparseGrad{table_, kept_ids, kept_rows, kept_grad, kept_counts};
    return;
  }
  if (index_of_id_.empty()) {
    const int64_t* sum_ids = sum_->ids.data_ptr<int64_t>();
    for (int64_t k = 0; k < sum_->ids.numel(); ++k) index_of_id_.emplace(sum_ids[k], k);
  }
  // Each new id of this micro-batch is appended; every id's gradient lands at its entry.
  std::vector<int64_t> target(static_cast<std::size_t>(n));
  std::vector<int64_t> appended;
  int64_t next = sum_->ids.numel();
  for (int64_t k = 0; k < n; ++k) {
    const int64_t id = out_ids[k];
    auto [it, inserted] = index_of_id_.emplace(id, next);
    if (inserted) {
      appended.push_back(k);
      ++next;
    }
    target[static_cast<std::size_t>(k)] = it->second;
  }
  const torch::Tensor new_entries = torch::tensor(appended, torch::kInt64);
  sum_->ids = torch::cat({sum_->ids, kept_ids.index_select(0, new_entries)});
  sum_->rows = torch::cat({sum_->rows, kept_rows.index_select(0, new_entries)});
  sum_->counts = torch::cat(
      {sum_->counts, torch::zeros({static_cast<int64_t>(appended.size())}, torch::kInt64)});
  sum_->values = torch::cat(
      {sum_->values, torch::zeros({static_cast<int64_t>(appended.size()), sum_->values.size(1)},
                                  torch::kFloat32)});
  const torch::Tensor target_index = torch::tensor(target, torch::kInt64);
  sum_->counts.index_add_(0, target_index, kept_counts);
  sum_->values.index_add_(0, target_index, kept_grad);
}

std::optional<SparseGrad> GradAccumulator::take() {
  std::optional<SparseGrad> out = std::move(sum_);
  sum_.reset();
  index_of_id_.clear();
  return out;
}

}  // namespace recis::embedding

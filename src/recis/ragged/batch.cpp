#include "recis/ragged/batch.h"

#include "recis/common/error.h"

namespace recis::ragged {

int64_t column_rows(const Column& column) {
  if (const auto* ragged = std::get_if<RaggedTensor>(&column)) return ragged->batch_size();
  const auto& dense = std::get<torch::Tensor>(column);
  return dense.dim() == 0 ? 1 : dense.size(0);
}

void Batch::set(const std::string& name, Column column) {
  const auto [found, inserted] = index_.try_emplace(name, entries_.size());
  if (inserted) {
    entries_.emplace_back(name, std::move(column));
  } else {
    entries_[found->second].second = std::move(column);
  }
}

bool Batch::contains(std::string_view name) const { return index_.count(std::string(name)) > 0; }

const Column& Batch::at(std::string_view name) const {
  const auto found = index_.find(std::string(name));
  if (found != index_.end()) return entries_[found->second].second;
  std::string present;
  constexpr std::size_t kListed = 20;
  for (std::size_t i = 0; i < entries_.size() && i < kListed; ++i) {
    present += (i ? ", " : "") + entries_[i].first;
  }
  if (entries_.size() > kListed)
    present += ", ... (" + std::to_string(entries_.size()) + " in all)";
  throw Error("batch has no column '" + std::string(name) +
              "' (columns: " + (present.empty() ? "none" : present) + ")");
}

const RaggedTensor& Batch::ragged(std::string_view name) const {
  const Column& column = at(name);
  if (const auto* ragged = std::get_if<RaggedTensor>(&column)) return *ragged;
  throw Error("batch column '" + std::string(name) + "' is a dense tensor, not a RaggedTensor");
}

const torch::Tensor& Batch::dense(std::string_view name) const {
  const Column& column = at(name);
  if (const auto* dense = std::get_if<torch::Tensor>(&column)) return *dense;
  throw Error("batch column '" + std::string(name) + "' is a RaggedTensor, not a dense tensor");
}

std::vector<std::string> Batch::names() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& entry : entries_) out.push_back(entry.first);
  return out;
}

}  // namespace recis::ragged

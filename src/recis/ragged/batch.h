// Batch: what the dataset yields and the feature engine transforms. An insertion-ordered map from
// column (or feature) name to a Column: a dense tensor (first dim = batch) or a RaggedTensor.
// Lookups of a missing name throw recis::Error naming it and the columns present.
// Made by io::Dataset and feature::Engine; read by the embedding engine and models.
// Thread-safety: none; a Batch is owned by one thread at a time (tensors inside are shared).
#pragma once

#include <torch/torch.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "recis/ragged/ragged_tensor.h"

namespace recis::ragged {

using Column = std::variant<torch::Tensor, RaggedTensor>;

// Rows in a column: the dense tensor's first dim or the ragged batch size.
int64_t column_rows(const Column& column);

class Batch {
 public:
  using Entry = std::pair<std::string, Column>;

  // Adds `name` at the end, or replaces its column in place when it is already present.
  void set(const std::string& name, Column column);
  bool contains(std::string_view name) const;

  const Column& at(std::string_view name) const;
  // at() that also requires the kind of column; the error names the column and what it holds.
  const RaggedTensor& ragged(std::string_view name) const;
  const torch::Tensor& dense(std::string_view name) const;

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::vector<std::string> names() const;
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

 private:
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace recis::ragged

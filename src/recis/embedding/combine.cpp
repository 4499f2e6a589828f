#include "recis/embedding/combine.h"

#include "recis/embedding/bag_sum.h"

namespace recis::embedding {
namespace {

// Offsets of each row into the values (composing the two levels of a 3-level ragged).
torch::Tensor value_offsets(const FeatureIds& ids) {
  if (ids.offsets.size() == 1) return ids.offsets[0];
  return ids.offsets[1].index_select(0, ids.offsets[0]);
}

// Ids per row as float [B, 1], at least 1 (an empty row's sum is 0 anyway).
torch::Tensor row_counts(const torch::Tensor& offsets) {
  return (offsets.slice(0, 1) - offsets.slice(0, 0, -1)).clamp_min(1).to(torch::kFloat32).unsqueeze(1);
}

torch::Tensor tile(const torch::Tensor& entries, const torch::Tensor& offsets, int64_t len) {
  const int64_t batch = offsets.numel() - 1;
  const int64_t pad = entries.size(0);
  torch::Tensor index = torch::empty({batch, len}, torch::kInt64);
  const int64_t* starts = offsets.data_ptr<int64_t>();
  int64_t* out = index.data_ptr<int64_t>();
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t count = starts[b + 1] - starts[b];
    for (int64_t j = 0; j < len; ++j) out[b * len + j] = j < count ? starts[b] + j : pad;
  }
  const torch::Tensor padded =
      torch::cat({entries, torch::zeros({1, entries.size(1)}, entries.options())});
  return padded.index_select(0, index.view(-1)).view({batch, len, entries.size(1)});
}

}  // namespace

torch::Tensor tile_mask(const torch::Tensor& row_offsets, std::size_t len) {
  const torch::Tensor lengths = row_offsets.slice(0, 1) - row_offsets.slice(0, 0, -1);
  return torch::arange(static_cast<int64_t>(len), torch::kInt64).unsqueeze(0) <
         lengths.unsqueeze(1);
}

torch::Tensor combine(const torch::Tensor& unique_rows, const FeatureIds& ids, Combiner combiner,
                      std::size_t tile_len) {
  switch (combiner) {
    case Combiner::Sum:
    case Combiner::Mean:
      return pool_features(unique_rows, {&ids}, {combiner == Combiner::Mean}).front();
    case Combiner::Tile: {
      torch::Tensor entries;
      if (ids.offsets.size() == 1) {
        entries = unique_rows.index_select(0, ids.positions);
        if (ids.weights) entries = entries * ids.weights->unsqueeze(1);
      } else {
        entries = bag_sum(unique_rows, ids.positions, ids.offsets[1], ids.weights);
      }
      return tile(entries, ids.offsets[0], static_cast<int64_t>(tile_len));
    }
    case Combiner::None:
      return unique_rows.index_select(0, ids.positions);
  }
  return {};
}

std::vector<torch::Tensor> pool_features(const torch::Tensor& unique_rows,
                                         const std::vector<const FeatureIds*>& features,
                                         const std::vector<bool>& mean, const TableRows* table) {
  std::vector<torch::Tensor> positions, bag_offsets, weights, offsets_of;
  bool weighted = false;
  int64_t start = 0;
  for (const FeatureIds* ids : features) weighted = weighted || ids->weights.has_value();
  for (const FeatureIds* ids : features) {
    const torch::Tensor offsets = value_offsets(*ids);
    offsets_of.push_back(offsets);
    positions.push_back(ids->positions);
    bag_offsets.push_back(offsets.slice(0, 0, -1) + start);
    if (weighted) {
      weights.push_back(ids->weights ? *ids->weights
                                     : torch::ones({ids->positions.numel()}, torch::kFloat32));
    }
    start += ids->positions.numel();
  }
  bag_offsets.push_back(torch::full({1}, start, torch::kInt64));
  const torch::Tensor all_positions = positions.size() == 1 ? positions[0] : torch::cat(positions);
  std::optional<torch::Tensor> all_weights;
  if (weighted) all_weights = torch::cat(weights);
  const torch::Tensor pooled =
      bag_sum(unique_rows, all_positions, torch::cat(bag_offsets), all_weights, table);

  // One split (not a narrow per feature): its backward concatenates the features' gradients
  // once, where each narrow's backward would fill a zero tensor of the whole pooled size.
  std::vector<int64_t> sizes;
  for (const FeatureIds* ids : features) sizes.push_back(ids->batch_size());
  std::vector<torch::Tensor> outputs = pooled.split_with_sizes(sizes);
  for (std::size_t k = 0; k < features.size(); ++k) {
    if (mean[k]) outputs[k] = outputs[k] / row_counts(offsets_of[k]);
  }
  return outputs;
}

}  // namespace recis::embedding

#include "recis/train/nonfinite.h"

#include <sstream>

namespace recis::train {
namespace {

int64_t nonfinite_count(const torch::Tensor& values) {
  if (!values.defined() || !values.is_floating_point()) return 0;
  return values.numel() - torch::isfinite(values).sum().item<int64_t>();
}

// The values of a column, whatever its layout.
torch::Tensor column_values(const ragged::Column& column) {
  if (const auto* dense = std::get_if<torch::Tensor>(&column)) return *dense;
  return std::get<ragged::RaggedTensor>(column).values();
}

std::string values_phrase(int64_t count, int64_t total) {
  return std::to_string(count) + " of " + std::to_string(total) + " values NaN or Inf";
}

const feature::Feature* feature_named(const std::vector<feature::Feature>& features,
                                      const std::string& name) {
  for (const auto& feature : features) {
    if (feature.name() == name) return &feature;
  }
  return nullptr;
}

// A dense input holds non-finite values: were they in the data, or made by the feature's ops?
std::string describe_dense_input(const NonfiniteStep& step, const std::string& name,
                                 int64_t count, int64_t total) {
  const std::string where = "dense input '" + name + "' has " + values_phrase(count, total);
  const feature::Feature* feature = feature_named(step.features, name);
  const std::vector<std::string> sources =
      feature ? feature->input_columns() : std::vector<std::string>{name};
  for (const std::string& source : sources) {
    if (!step.batch.contains(source)) continue;
    const torch::Tensor raw = column_values(step.batch.at(source));
    if (const int64_t bad = nonfinite_count(raw)) {
      return where + ": the data's column '" + source + "' holds " + std::to_string(bad) +
             " NaN/Inf values (add a fill_missing op, or clean the data)";
    }
  }
  if (!feature) return where;
  std::ostringstream ops;
  for (std::size_t i = 0; i < feature->ops().size(); ++i) {
    ops << (i ? " -> " : "") << feature::op_name(feature->ops()[i]);
  }
  std::ostringstream out;
  out << where << ": feature '" << name << "' ops (" << ops.str()
      << ") made them from finite values";
  if (sources.size() == 1 && step.batch.contains(sources[0])) {
    const torch::Tensor raw = column_values(step.batch.at(sources[0]));
    if (raw.numel() > 0 && raw.is_floating_point()) {
      out << " (column '" << sources[0] << "' ranges " << raw.min().item<double>() << " .. "
          << raw.max().item<double>() << ")";
    }
  }
  out << "; log1p needs values above -1: add a clip op before it";
  return out.str();
}

}  // namespace

std::string describe_nonfinite(const NonfiniteStep& step) {
  if (const int64_t bad = nonfinite_count(step.labels)) {
    return "the label column '" + step.label_column + "' has " +
           values_phrase(bad, step.labels.numel());
  }
  const torch::Tensor& dense = step.inputs.dense;
  if (dense.defined()) {
    for (std::size_t c = 0; c < step.dense_columns.size(); ++c) {
      const torch::Tensor column = dense.select(1, static_cast<int64_t>(c));
      if (const int64_t bad = nonfinite_count(column)) {
        return describe_dense_input(step, step.dense_columns[c], bad, column.numel());
      }
    }
  }
  for (const auto& [name, embedding] : step.inputs.embeddings) {
    if (const int64_t bad = nonfinite_count(embedding)) {
      return "the embedding of feature '" + name + "' has " +
             values_phrase(bad, embedding.numel()) +
             ": rows of its table diverged (lower the sparse learning rate or set train.clip_norm)";
    }
  }
  for (const auto& parameter : step.model.named_parameters()) {
    if (const int64_t bad = nonfinite_count(parameter.value())) {
      return "model parameter '" + parameter.key() + "' has " +
             values_phrase(bad, parameter.value().numel()) +
             ": it diverged (lower the dense learning rate or set train.clip_norm)";
    }
  }
  const int64_t bad = nonfinite_count(step.logits);
  return "the model's logits have " + values_phrase(bad, step.logits.numel()) +
         " from finite inputs and parameters: they overflowed (lower the learning rates or set "
         "train.clip_norm)";
}

}  // namespace recis::train

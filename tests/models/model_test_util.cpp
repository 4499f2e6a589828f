#include "model_test_util.h"

namespace recis::models::testing {

InputSchema make_schema(const std::vector<EmbeddingInfo>& embeddings, int64_t num_dense) {
  InputSchema schema;
  schema.embeddings = embeddings;
  schema.num_dense = num_dense;
  return schema;
}

ModelInputs random_inputs(const InputSchema& schema, int64_t batch, uint64_t seed) {
  torch::Generator generator = at::detail::createCPUGenerator(seed);
  ModelInputs inputs;
  for (const auto& info : schema.embeddings) {
    if (!info.is_sequence()) {
      inputs.embeddings[info.name] = at::normal(0.0, 1.0, {batch, info.dim}, generator);
      continue;
    }
    const int64_t length = info.sequence_length;
    inputs.embeddings[info.name] = at::normal(0.0, 1.0, {batch, length, info.dim}, generator);
    const torch::Tensor valid = at::randint(1, length + 1, {batch, 1}, generator);
    inputs.sequence_masks[info.name] = torch::arange(length).unsqueeze(0) < valid;
  }
  if (schema.num_dense > 0) {
    inputs.dense = at::normal(0.0, 1.0, {batch, schema.num_dense}, generator);
  }
  return inputs;
}

toml::table model_table(const std::string& toml_text) {
  toml::table root = toml::parse(toml_text);
  return *root["model"].as_table();
}

std::vector<std::string> parameters_without_gradient(Model& model, const ModelInputs& inputs) {
  model.zero_grad();
  model.forward(inputs).sum().backward();
  std::vector<std::string> missing;
  for (const auto& parameter : model.named_parameters()) {
    const torch::Tensor& grad = parameter.value().grad();
    if (!grad.defined() || grad.abs().sum().item<double>() == 0) missing.push_back(parameter.key());
  }
  return missing;
}

torch::Tensor separable_labels(const InputSchema& schema, const ModelInputs& inputs,
                               uint64_t seed) {
  torch::Generator generator = at::detail::createCPUGenerator(seed);
  std::vector<torch::Tensor> parts;
  for (const auto& info : schema.pooled()) parts.push_back(inputs.embeddings.at(info.name));
  if (schema.num_dense > 0) parts.push_back(inputs.dense);
  const torch::Tensor x = torch::cat(parts, 1);
  const torch::Tensor direction = at::normal(0.0, 1.0, {x.size(1)}, generator);
  return (x.matmul(direction) > 0).to(torch::kFloat);
}

LossCurve train_full_batch(Model& model, const ModelInputs& inputs, const torch::Tensor& labels,
                           int steps, double learning_rate) {
  torch::optim::Adam optimizer(model.parameters(), torch::optim::AdamOptions(learning_rate));
  LossCurve curve;
  for (int step = 0; step <= steps; ++step) {
    optimizer.zero_grad();
    const torch::Tensor loss =
        torch::binary_cross_entropy_with_logits(model.forward(inputs), labels);
    if (step == 0) curve.initial = loss.item<double>();
    if (step == steps) {
      curve.final = loss.item<double>();
      break;
    }
    loss.backward();
    optimizer.step();
  }
  return curve;
}

}  // namespace recis::models::testing

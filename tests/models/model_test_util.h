// Helpers for the model tests: schemas, seeded random inputs, TOML [model] tables, a gradient
// check and a tiny full-batch Adam training loop. Thread-safety: test-only, single-threaded.
#pragma once

#include <toml++/toml.h>
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "recis/models/model.h"

namespace recis::models::testing {

// A schema from (name, dim, sequence_length) triples.
InputSchema make_schema(const std::vector<EmbeddingInfo>& embeddings, int64_t num_dense);

// Normal(0, 1) values for every embedding and the dense features; each sequence gets a mask with
// 1..L valid leading positions and random values at its padding. Deterministic for a seed.
ModelInputs random_inputs(const InputSchema& schema, int64_t batch, uint64_t seed);

// The [model] table of a TOML document ("[model]\ntype = ...").
toml::table model_table(const std::string& toml_text);

// Names of the parameters whose gradient is missing or all zero after backward of sum(logits).
std::vector<std::string> parameters_without_gradient(Model& model, const ModelInputs& inputs);

// Labels 1 where a fixed random linear function of the pooled embeddings and dense features is
// positive: a separable problem every model can fit.
torch::Tensor separable_labels(const InputSchema& schema, const ModelInputs& inputs, uint64_t seed);

struct LossCurve {
  double initial = 0;
  double final = 0;
};

// Full-batch Adam on binary_cross_entropy_with_logits.
LossCurve train_full_batch(Model& model, const ModelInputs& inputs, const torch::Tensor& labels,
                           int steps, double learning_rate);

}  // namespace recis::models::testing

// What made a training micro-batch's loss NaN or Inf, in one sentence that names the culprit: the
// label column, a dense input (the data's column itself, or the feature ops that turned finite
// values non-finite), a feature's embedding (its table's rows diverged), a model parameter that
// diverged, or logits that overflowed from finite inputs. Called by Trainer when the loss is not
// finite (train.nonfinite, docs/config.md). Thread-safety: reads only; call from the training
// thread.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "recis/feature/feature.h"
#include "recis/models/model.h"
#include "recis/ragged/batch.h"

namespace recis::train {

struct NonfiniteStep {
  const ragged::Batch& batch;                  // the data's columns
  const std::vector<feature::Feature>& features;
  const std::vector<std::string>& dense_columns;  // data.dense, the columns of inputs.dense
  const std::string& label_column;
  const models::ModelInputs& inputs;
  const torch::Tensor& labels;
  const torch::Tensor& logits;
  const torch::nn::Module& model;
};

// The first culprit found, checked in data-flow order (labels, dense inputs, embeddings,
// parameters, logits).
std::string describe_nonfinite(const NonfiniteStep& step);

}  // namespace recis::train

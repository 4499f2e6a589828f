// A model written outside the library, the way a user adds one: a two-tower model that scores
// an example by the dot product of a user vector and an item vector, each the output of its own
// MLP tower (ReLU layers, then a linear projection to `dim`) over its own embeddings:
//   logit = <user_tower(user_features), item_tower(item_features)> / temperature + bias
// It reuses the library's pieces (InputGroup, MlpTower, ConfigReader) and, once registered with
//   recis::models::register_model("two_tower", two_tower_from_config);
// is built from an experiment config like any built-in model:
//   [model]
//   type = "two_tower"
//   user_features = ["user_id", "user_city"]
//   item_features = ["item_id", "item_category"]
//   tower = [64]            # hidden ReLU layers of both towers
//   dim = 16                # the user and item vectors
//   temperature = 0.5
// Thread-safety: a torch::nn::Module; one thread runs forward/backward at a time.
#pragma once

#include <memory>
#include <vector>

#include "recis/models/config_reader.h"
#include "recis/models/input_access.h"
#include "recis/models/mlp_tower.h"
#include "recis/models/model.h"

namespace example {

using recis::models::EmbeddingInfo;
using recis::models::InputGroup;
using recis::models::ModelInputs;

struct TwoTowerOptions {
  std::vector<EmbeddingInfo> user_features;
  std::vector<EmbeddingInfo> item_features;
  std::vector<int64_t> tower = {64};
  int64_t dim = 16;
  double temperature = 1.0;
};

class TwoTowerModel : public recis::models::Model {
 public:
  explicit TwoTowerModel(const TwoTowerOptions& options)
      : user_inputs_(options.user_features, 0),
        item_inputs_(options.item_features, 0),
        temperature_(options.temperature) {
    using recis::models::MlpTower;
    using recis::models::MlpTowerOptions;
    user_tower_ = register_module("user_tower",
                                  MlpTower(MlpTowerOptions(user_inputs_.width(), options.tower)));
    item_tower_ = register_module("item_tower",
                                  MlpTower(MlpTowerOptions(item_inputs_.width(), options.tower)));
    user_projection_ = register_module("user_projection",
                                       torch::nn::Linear(user_tower_->output_dim(), options.dim));
    item_projection_ = register_module("item_projection",
                                       torch::nn::Linear(item_tower_->output_dim(), options.dim));
    bias_ = register_parameter("bias", torch::zeros({1}));
  }

  torch::Tensor forward(const ModelInputs& inputs) override {
    const torch::Tensor user =
        user_projection_->forward(user_tower_->forward(user_inputs_.concat(inputs)));
    const torch::Tensor item =
        item_projection_->forward(item_tower_->forward(item_inputs_.concat(inputs)));
    return (user * item).sum(1) / temperature_ + bias_;
  }

 private:
  InputGroup user_inputs_;
  InputGroup item_inputs_;
  double temperature_;
  recis::models::MlpTower user_tower_{nullptr};
  recis::models::MlpTower item_tower_{nullptr};
  torch::nn::Linear user_projection_{nullptr};
  torch::nn::Linear item_projection_{nullptr};
  torch::Tensor bias_;
};

// The factory register_model() takes: reads this model's keys through the ConfigReader, so
// typos and bad values are reported as model.KEY like the built-in models' are.
inline std::shared_ptr<recis::models::Model> two_tower_from_config(
    recis::models::ConfigReader& config, const recis::models::InputSchema& schema) {
  TwoTowerOptions options;
  options.user_features = config.embeddings("user_features", schema, {});
  options.item_features = config.embeddings("item_features", schema, {});
  if (options.user_features.empty()) config.fail("user_features", "list the user embeddings");
  if (options.item_features.empty()) config.fail("item_features", "list the item embeddings");
  options.tower = config.layer_sizes("tower", options.tower);
  options.dim = config.integer("dim", options.dim, 1, recis::models::ConfigReader::kMaxLayerSize);
  options.temperature = config.number("temperature", options.temperature, 1e-3, 1e3);
  return std::make_shared<TwoTowerModel>(options);
}

}  // namespace example

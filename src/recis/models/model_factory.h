// build_model(): the [model] table of an experiment config plus the trainer's InputSchema -> a
// Model. `type` picks the model ("mlp", "deepfm", "wide_deep", "dcnv2", "din", or a type a user
// registered); the other keys belong to that type (docs/models.md). Unknown keys, bad values and
// embedding names not in the schema throw recis::ConfigError naming the key:
//   model.fm_features: no embedding named 'c99' (inputs: c1, c2, ...)
// register_model() adds a user-written model type, so config-driven training can build it too.
// Thread-safety: build_model() may run on any thread; register before building (registration
// and lookup are serialized by a mutex).
#pragma once

#include <toml++/toml.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "recis/models/config_reader.h"
#include "recis/models/model.h"

namespace recis::models {

// Reads its keys through `config` (so typos are caught) and returns the model.
using ModelFactory =
    std::function<std::shared_ptr<Model>(ConfigReader& config, const InputSchema& schema)>;

std::shared_ptr<Model> build_model(const toml::table& model_config, const InputSchema& schema);

// Throws recis::Error when `type` is already taken.
void register_model(const std::string& type, ModelFactory factory);

// Every type build_model() knows, sorted.
std::vector<std::string> model_types();

}  // namespace recis::models

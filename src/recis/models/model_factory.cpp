#include "recis/models/model_factory.h"

#include <map>
#include <mutex>

#include "recis/common/error.h"
#include "recis/models/dcn_v2.h"
#include "recis/models/deepfm.h"
#include "recis/models/din.h"
#include "recis/models/mlp_model.h"
#include "recis/models/wide_deep.h"

namespace recis::models {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, ModelFactory> factories = {
      {"mlp", mlp_from_config},
      {"deepfm", deepfm_from_config},
      {"wide_deep", wide_deep_from_config},
      {"dcnv2", dcn_v2_from_config},
      {"din", din_from_config},
  };
};

Registry& registry() {
  static Registry instance;
  return instance;
}

ModelFactory find_factory(const std::string& type) {
  Registry& models = registry();
  std::lock_guard lock(models.mutex);
  const auto found = models.factories.find(type);
  return found == models.factories.end() ? ModelFactory() : found->second;
}

}  // namespace

std::vector<std::string> model_types() {
  Registry& models = registry();
  std::lock_guard lock(models.mutex);
  std::vector<std::string> types;
  for (const auto& [type, factory] : models.factories) types.push_back(type);
  return types;
}

void register_model(const std::string& type, ModelFactory factory) {
  Registry& models = registry();
  std::lock_guard lock(models.mutex);
  if (!models.factories.emplace(type, std::move(factory)).second) {
    throw Error("register_model: model type '" + type + "' is already registered");
  }
}

std::shared_ptr<Model> build_model(const toml::table& model_config, const InputSchema& schema) {
  ConfigReader config(model_config);
  const std::vector<std::string> types = model_types();
  const std::string type = config.choice("type", "", types);
  if (type.empty()) {
    std::string known;
    for (const auto& name : types) known += (known.empty() ? "" : ", ") + name;
    config.fail("type", "missing (one of " + known + ")");
  }
  std::shared_ptr<Model> model = find_factory(type)(config, schema);
  config.check_all_read(type);
  return model;
}

}  // namespace recis::models

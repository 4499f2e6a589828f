// A user's training program: registers the two-tower model of two_tower_model.h, reads an
// experiment config whose [model] type is "two_tower", and trains it with the library's Trainer
// (data, features, embeddings, optimizers, hooks and metrics all from recis).
//   custom_model_example two_tower.toml [--set key=value]...
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "recis/common/error.h"
#include "recis/models/model_factory.h"
#include "recis/train/builtin_hooks.h"
#include "recis/train/trainer.h"
#include "two_tower_model.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CONFIG.toml [--set key=value]...\n", argv[0]);
    return 2;
  }
  std::vector<std::string> overrides;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--set") overrides.push_back(argv[i + 1]);
  }
  try {
    recis::models::register_model("two_tower", example::two_tower_from_config);
    recis::train::Trainer trainer(recis::train::load_experiment_config(argv[1], overrides));
    trainer.add_hook(std::make_shared<recis::train::ProgressHook>(false, 20));
    const recis::train::TrainSummary summary = trainer.train_and_evaluate();
    std::printf("{\"steps\": %lld, \"samples_per_s\": %.0f, \"auc\": %.4f}\n",
                static_cast<long long>(summary.steps), summary.samples_per_s,
                summary.eval ? summary.eval->auc : 0.0);
    return 0;
  } catch (const recis::Error& error) {
    std::fprintf(stderr, "custom_model_example: %s\n", error.what());
    return 1;
  }
}

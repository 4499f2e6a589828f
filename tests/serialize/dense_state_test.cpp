// Dense model and optimizer state through SafeTensors files: a model and optimizer restored from
// the file take the next step exactly as the originals do, for every supported optimizer.
#include "recis/serialize/dense_state.h"

#include <gtest/gtest.h>

#include <functional>

#include "recis/common/error.h"
#include "support/test_support.h"

namespace recis::serialize {
namespace {

struct Net : torch::nn::Module {
  Net() {
    first = register_module("first", torch::nn::Linear(4, 3));
    norm = register_module("norm", torch::nn::BatchNorm1d(3));
    last = register_module("last", torch::nn::Linear(3, 1));
  }
  torch::Tensor forward(const torch::Tensor& x) { return last(torch::relu(norm(first(x)))); }
  torch::nn::Linear first{nullptr}, last{nullptr};
  torch::nn::BatchNorm1d norm{nullptr};
};

using MakeOptimizer = std::function<std::unique_ptr<torch::optim::Optimizer>(Net&)>;

void train_step(Net& net, torch::optim::Optimizer& optimizer, int64_t seed) {
  torch::manual_seed(seed);
  const torch::Tensor x = torch::randn({8, 4});
  optimizer.zero_grad();
  net.forward(x).square().mean().backward();
  optimizer.step();
}

std::map<std::string, torch::Tensor> round_trip(const NamedTensors& tensors,
                                                const std::filesystem::path& path) {
  const FileDigest digest = write_tensors_file(path, tensors, {{"kind", "test"}});
  const SafeTensorsReader file(path);
  EXPECT_EQ(file.metadata().at("kind"), "test");
  std::map<std::string, torch::Tensor> read = read_tensors_file(file);
  EXPECT_EQ(file.digest_of_reads().crc32c, digest.crc32c);
  return read;
}

TEST(DenseState, RestoredOptimizersTakeTheSameNextStep) {
  const std::vector<std::pair<std::string, MakeOptimizer>> optimizers = {
      {"sgd_momentum",
       [](Net& net) {
         return std::make_unique<torch::optim::SGD>(
             net.parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
       }},
      {"adam",
       [](Net& net) {
         return std::make_unique<torch::optim::Adam>(
             net.parameters(), torch::optim::AdamOptions(0.01).amsgrad(true));
       }},
      {"adamw",
       [](Net& net) {
         return std::make_unique<torch::optim::AdamW>(net.parameters(),
                                                      torch::optim::AdamWOptions(0.01));
       }},
      {"adagrad",
       [](Net& net) {
         return std::make_unique<torch::optim::Adagrad>(net.parameters(),
                                                        torch::optim::AdagradOptions(0.1));
       }},
  };
  testing::TempDir dir;
  for (const auto& [name, make] : optimizers) {
    SCOPED_TRACE(name);
    torch::manual_seed(1);
    Net original;
    auto original_optimizer = make(original);
    for (int64_t step = 0; step < 3; ++step) train_step(original, *original_optimizer, step);

    const auto model = round_trip(module_state(original), dir.path() / (name + "_model.st"));
    const auto state = round_trip(optimizer_state(*original_optimizer, original),
                                  dir.path() / (name + "_optimizer.st"));
    EXPECT_TRUE(model.count("norm.running_mean"));  // buffers travel too

    torch::manual_seed(99);  // different initial weights, all overwritten
    Net restored;
    auto restored_optimizer = make(restored);
    load_module_state(restored, model, "model");
    load_optimizer_state(*restored_optimizer, restored, state, "optimizer");

    train_step(original, *original_optimizer, 3);
    train_step(restored, *restored_optimizer, 3);
    const NamedTensors a = module_state(original), b = module_state(restored);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].first, b[i].first);
      EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
    }
  }
}

TEST(DenseState, MismatchedModelsAndStatesAreRefusedByName) {
  Net net;
  std::map<std::string, torch::Tensor> saved;
  for (const auto& [name, tensor] : module_state(net)) saved[name] = tensor.clone();
  saved["first.weight"] = torch::zeros({5, 4});
  try {
    load_module_state(net, saved, "ckpt/dense/model.safetensors");
    FAIL() << "a wrong shape was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("ckpt/dense/model.safetensors: tensor 'first.weight'"),
              std::string::npos)
        << error.what();
  }
  saved.erase("first.weight");
  EXPECT_THROW(load_module_state(net, saved, "m"), Error);
  for (const auto& [name, tensor] : module_state(net)) saved[name] = tensor.clone();
  saved["extra.weight"] = torch::zeros({1});
  EXPECT_THROW(load_module_state(net, saved, "m"), Error);

  torch::optim::SGD sgd(net.parameters(), torch::optim::SGDOptions(0.1));
  EXPECT_THROW(load_optimizer_state(sgd, net, {{"first.weight/exp_avg", torch::zeros({3, 4})}}, "o"),
               Error);
  EXPECT_THROW(load_optimizer_state(sgd, net, {{"nothing/momentum_buffer", torch::zeros({1})}}, "o"),
               Error);
}

}  // namespace
}  // namespace recis::serialize

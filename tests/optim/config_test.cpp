// Optimizers from TOML (names, keys, defaults, errors), learning-rate schedules, and the
// checkpoint state of the step counter.
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "optim/optim_test_table.h"
#include "recis/common/error.h"
#include "recis/optim/adam.h"
#include "recis/optim/lr_schedule.h"
#include "recis/optim/optimizer_config.h"

namespace recis::optim {
namespace {

std::string config_error(const std::string& text) {
  try {
    make_sparse_optimizer(toml::parse(text), 1, 1);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(SparseOptimizerConfig, BuildsEveryOptimizerByName) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"sgd", {}},
      {"adagrad", {"adagrad_sum"}},
      {"rowwise_adagrad", {"rowwise_adagrad_sum"}},
      {"adam", {"adam_m", "adam_v"}},
      {"adamw", {"adam_m", "adam_v"}},
      {"adamw_tf", {"adam_m", "adam_v"}},
      {"ftrl", {"ftrl_z", "ftrl_n"}},
  };
  for (const auto& [name, slots] : expected) {
    const auto optimizer =
        make_sparse_optimizer(toml::parse("name = '" + name + "'\nlr = 0.25"), 1, 1);
    EXPECT_EQ(optimizer->name(), name);
    EXPECT_EQ(optimizer->lr(), 0.25);
    std::vector<std::string> names;
    for (const auto& spec : optimizer->slots(16)) names.push_back(spec.name);
    EXPECT_EQ(names, slots) << name;
  }
}

TEST(SparseOptimizerConfig, ReadsParametersAndReduction) {
  const auto optimizer = make_sparse_optimizer(
      toml::parse("name = 'sgd'\nlr = 1\nweight_decay = 0.5\ngrad_reduce_by = 'worker'"), 4, 1);
  EXPECT_EQ(optimizer->grad_reduction().by, GradReduce::Worker);
  EXPECT_EQ(optimizer->grad_reduction().world_size, 4);
  testing::TestTable table(*optimizer, torch::full({1, 2}, 2.f));
  const auto grad = table.grad({0}, torch::full({1, 2}, 4.f));
  optimizer->step({&grad, 1});
  // w - lr * (g / 4 + 0.5 * w) = 2 - (1 + 1) = 0
  EXPECT_TRUE(torch::equal(table.embeddings(), torch::zeros({1, 2})));
  EXPECT_EQ(make_sparse_optimizer(toml::parse("name = 'adam'\ngrad_reduce_by = 'id'"))
                ->grad_reduction()
                .by,
            GradReduce::Id);
}

TEST(SparseOptimizerConfig, ErrorsNameTheKey) {
  EXPECT_NE(config_error("lr = 0.1").find("missing 'name'"), std::string::npos);
  EXPECT_NE(config_error("name = 'adamx'").find("unknown optimizer name 'adamx'"),
            std::string::npos);
  EXPECT_NE(config_error("name = 'adam'\nbetta1 = 0.9").find("unknown key 'betta1'"),
            std::string::npos);
  EXPECT_NE(config_error("name = 'sgd'\nbeta1 = 0.9").find("unknown key 'beta1'"),
            std::string::npos);
  EXPECT_NE(config_error("name = 'adam'\nbeta1 = 'high'").find("'beta1' must be a number"),
            std::string::npos);
  const std::string range = config_error("name = 'adam'\nbeta1 = 1.5");
  EXPECT_NE(range.find("sparse_optimizer: adam: 'beta1' must be in [0, 1)"), std::string::npos)
      << range;
  EXPECT_NE(config_error("name = 'sgd'\nlr = -1").find("lr"), std::string::npos);
  EXPECT_NE(config_error("name = 'sgd'\ngrad_reduce_by = 'rank'").find("'rank'"),
            std::string::npos);
  EXPECT_NE(config_error("name = 'ftrl'\nlr_power = 0.5").find("'lr_power' must be <= 0"),
            std::string::npos);
}

TEST(DenseOptimizerConfig, BuildsTorchOptimizers) {
  torch::Tensor param = torch::zeros({2}, torch::requires_grad());
  const auto adam =
      make_dense_optimizer(toml::parse("name = 'adam'\nlr = 0.5\nbeta1 = 0.8"), {param});
  ASSERT_NE(dynamic_cast<torch::optim::Adam*>(adam.get()), nullptr);
  const auto& options =
      static_cast<const torch::optim::AdamOptions&>(adam->param_groups()[0].options());
  EXPECT_EQ(options.lr(), 0.5);
  EXPECT_EQ(std::get<0>(options.betas()), 0.8);
  EXPECT_NE(dynamic_cast<torch::optim::AdamW*>(
                make_dense_optimizer(toml::parse("name = 'adamw'"), {param}).get()),
            nullptr);
  EXPECT_NE(dynamic_cast<torch::optim::SGD*>(
                make_dense_optimizer(toml::parse("name = 'sgd'\nmomentum = 0.9"), {param}).get()),
            nullptr);
  EXPECT_NE(dynamic_cast<torch::optim::Adagrad*>(
                make_dense_optimizer(toml::parse("name = 'adagrad'"), {param}).get()),
            nullptr);
  EXPECT_THROW(make_dense_optimizer(toml::parse("name = 'ftrl'"), {param}), ConfigError);
  EXPECT_THROW(make_dense_optimizer(toml::parse("name = 'sgd'\nbeta1 = 0.9"), {param}),
               ConfigError);
  EXPECT_THROW(make_dense_optimizer(toml::parse("name = 'sgd'\nlr = -1"), {param}), ConfigError);
}

TEST(LrSchedule, ConstantAndLinearWarmupDecay) {
  const toml::table config = toml::parse(
      "name = 'adam'\nlr = 1.0\n[schedule]\nkind = 'linear'\nwarmup_steps = 4\n"
      "decay_steps = 10\nend_lr = 0.5");
  const LrSchedule schedule = lr_schedule_from_toml(config, 0.1, "sparse_optimizer");
  EXPECT_DOUBLE_EQ(schedule.lr_at(0), 0.25);
  EXPECT_DOUBLE_EQ(schedule.lr_at(3), 1.0);
  EXPECT_DOUBLE_EQ(schedule.lr_at(4), 1.0);
  EXPECT_DOUBLE_EQ(schedule.lr_at(9), 0.75);
  EXPECT_DOUBLE_EQ(schedule.lr_at(14), 0.5);
  EXPECT_DOUBLE_EQ(schedule.lr_at(1000), 0.5);
  // The factory leaves the schedule table to lr_schedule_from_toml.
  EXPECT_EQ(make_sparse_optimizer(config, 1, 1)->name(), "adam");

  const LrSchedule constant = lr_schedule_from_toml(toml::parse("name = 'sgd'"), 0.1, "x");
  EXPECT_DOUBLE_EQ(constant.lr_at(0), 0.1);
  EXPECT_DOUBLE_EQ(constant.lr_at(123456), 0.1);
  EXPECT_THROW(lr_schedule_from_toml(toml::parse("[schedule]\nkind = 'cosine'"), 0.1, "x"),
               ConfigError);
  EXPECT_THROW(lr_schedule_from_toml(toml::parse("[schedule]\nwarmup_steps = 1.5"), 0.1, "x"),
               ConfigError);
  EXPECT_THROW(lr_schedule_from_toml(toml::parse("[schedule]\nwarmup = 5"), 0.1, "x"), ConfigError);
}

TEST(LrSchedule, SetsSparseAndDenseRates) {
  torch::Tensor param = torch::zeros({2}, torch::requires_grad());
  const auto dense = make_dense_optimizer(toml::parse("name = 'sgd'"), {param});
  set_dense_lr(*dense, 0.125);
  EXPECT_EQ(dense->param_groups()[0].options().get_lr(), 0.125);
  const auto sparse = make_sparse_optimizer(toml::parse("name = 'sgd'"), 1, 1);
  sparse->set_lr(0.125);
  EXPECT_EQ(sparse->lr(), 0.125);
  EXPECT_THROW(sparse->set_lr(-1), ConfigError);
}

// A run resumed from a checkpoint (the table's rows and slots, plus state()) continues exactly
// as the uninterrupted run: Adam's bias correction depends on the restored step counter.
TEST(OptimizerState, ResumedRunEqualsUninterruptedRun) {
  torch::manual_seed(5);
  const torch::Tensor initial = torch::randn({6, 4});
  std::vector<torch::Tensor> grads;
  for (int i = 0; i < 4; ++i) grads.push_back(torch::randn({3, 4}));
  const std::vector<int64_t> ids = {1, 3, 4};
  SparseOptimizerOptions base;
  base.lr = 0.1;
  base.threads = 1;

  Adam uninterrupted(base);
  testing::TestTable a(uninterrupted, initial);
  for (const auto& g : grads) {
    const auto grad = a.grad(ids, g);
    uninterrupted.step({&grad, 1});
  }

  auto first = std::make_unique<Adam>(base);
  testing::TestTable b(*first, initial);
  for (int i = 0; i < 2; ++i) {
    const auto grad = b.grad(ids, grads[i]);
    first->step({&grad, 1});
  }
  first->set_lr(0.1);
  const nlohmann::json saved = first->state();
  EXPECT_EQ(saved["step"], 2);
  EXPECT_EQ(saved["optimizer"], "adam");
  first.reset();
  base.lr = 0.5;  // overwritten by the saved state
  Adam resumed(base);
  resumed.load_state(saved);
  EXPECT_EQ(resumed.step_count(), 2);
  EXPECT_EQ(resumed.lr(), 0.1);
  for (int i = 2; i < 4; ++i) {
    const auto grad = b.grad(ids, grads[i]);
    resumed.step({&grad, 1});
  }
  EXPECT_TRUE(torch::equal(a.embeddings(), b.embeddings()));

  Adam other(base, {}, AdamVariant::AdamW);
  EXPECT_THROW(other.load_state(saved), Error);
  EXPECT_THROW(other.load_state(nlohmann::json{{"optimizer", "adamw"}}), Error);
}

}  // namespace
}  // namespace recis::optim

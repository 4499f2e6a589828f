// The trainer end to end on small generated data: it learns, runs are deterministic, gradient
// accumulation equals the large batch, and bad configs fail before the first step.
#include "recis/train/trainer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "recis/common/error.h"
#include "recis/datagen/criteo_generator.h"
#include "recis/train/builtin_hooks.h"
#include "support/test_support.h"

namespace recis::train {
namespace {

// Records every step's loss.
class LossRecorder : public Hook {
 public:
  void on_step_end(Trainer&, const StepRecord& record) override { losses.push_back(record.loss); }
  std::vector<double> losses;
};

class TrainerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new testing::TempDir();
    datagen::generate_criteo(datagen::CriteoOptions()
                                 .with_out_dir(data_->path() / "train")
                                 .with_rows(24000)
                                 .with_parts(2)
                                 .with_seed(3));
    datagen::generate_criteo(datagen::CriteoOptions()
                                 .with_out_dir(data_->path() / "eval")
                                 .with_rows(6000)
                                 .with_first_row(24000)
                                 .with_seed(3));
  }
  static void TearDownTestSuite() { delete data_; }

  // A DeepFM over 8 generated columns with small vocabularies (their ids recur in 24k rows).
  std::string config_text(const std::string& extra_train = "") const {
    return "[data]\ntrain = [\"" + (data_->path() / "train").string() + "\"]\neval = [\"" +
           (data_->path() / "eval").string() +
           "\"]\nbatch_size = 512\ndense = [\"i1\", \"i2\"]\n"
           "sparse = [\"c2\", \"c4\", \"c5\", \"c6\", \"c8\", \"c10\", \"c12\", \"c17\"]\n"
           "[[features]]\nname = \"i1\"\nops = [{ op = \"select\", column = \"i1\" }, { op = "
           "\"log1p\" }]\n"
           "[[features]]\nname = \"i2\"\nops = [{ op = \"select\", column = \"i2\" }, { op = "
           "\"log1p\" }]\n"
           "[[embedding]]\nfeatures = [\"c2\", \"c4\", \"c5\", \"c6\", \"c8\", \"c10\", \"c12\", "
           "\"c17\"]\ndim = 8\n"
           "[[embedding]]\nfeatures = [\"c2\", \"c4\", \"c5\", \"c6\", \"c8\", \"c10\", \"c12\", "
           "\"c17\"]\nsuffix = \"_wide\"\ndim = 1\ninitializer = { kind = \"constant\" }\n"
           "[model]\ntype = \"deepfm\"\nhidden = [32, 16]\n"
           "[sparse_optimizer]\nname = \"adam\"\nlr = 0.01\n"
           "[dense_optimizer]\nname = \"adam\"\nlr = 0.003\n"
           "[train]\nseed = 5\nlog_every = 10\noutput = \"" +
           (data_->path() / "out").string() + "\"\n" + extra_train;
  }

  static testing::TempDir* data_;
};

testing::TempDir* TrainerTest::data_ = nullptr;

TEST_F(TrainerTest, LearnsTheGeneratedLabelsWellAboveChance) {
  Trainer trainer(parse_experiment_config(config_text("epochs = 2\n"), "test.toml"));
  const TrainSummary summary = trainer.train_and_evaluate();
  EXPECT_EQ(summary.steps, (48000 + 511) / 512);  // batches run on across files and epochs
  EXPECT_EQ(summary.samples, 48000);
  ASSERT_TRUE(summary.eval.has_value());
  EXPECT_EQ(summary.eval->samples, 6000);
  // Chance is 0.5; the generator's Bayes-optimal AUC over all 39 columns is about 0.72, and
  // these 8 columns carry part of that signal.
  EXPECT_GT(summary.eval->auc, 0.58);
  // Better than the constant prediction of the positive rate (0.25: logloss 0.562).
  EXPECT_LT(summary.eval->logloss, 0.559);
}

TEST_F(TrainerTest, TwoRunsWithOneSeedGiveIdenticalLosses) {
  std::vector<double> runs[2];
  for (auto& losses : runs) {
    Trainer trainer(parse_experiment_config(config_text("max_steps = 12\n"), "test.toml"));
    auto recorder = std::make_shared<LossRecorder>();
    trainer.add_hook(recorder);
    trainer.train_and_evaluate();
    losses = recorder->losses;
  }
  ASSERT_EQ(runs[0].size(), 12u);
  EXPECT_EQ(runs[0], runs[1]);
}

TEST_F(TrainerTest, ThePipelineTrainsExactlyWhatTheSerialLoopTrains) {
  std::vector<double> losses[2];
  double aucs[2] = {0, 0};
  for (int pipelined = 0; pipelined < 2; ++pipelined) {
    Trainer trainer(parse_experiment_config(
        config_text(std::string("max_steps = 12\ngrad_accum = 2\npipeline = ") +
                    (pipelined ? "true" : "false") + "\n"),
        "test.toml"));
    auto recorder = std::make_shared<LossRecorder>();
    trainer.add_hook(recorder);
    const TrainSummary summary = trainer.train_and_evaluate();
    losses[pipelined] = recorder->losses;
    ASSERT_TRUE(summary.eval.has_value());
    aucs[pipelined] = summary.eval->auc;
  }
  ASSERT_EQ(losses[0].size(), 12u);
  EXPECT_EQ(losses[1], losses[0]);
  EXPECT_EQ(aucs[1], aucs[0]);
}

TEST_F(TrainerTest, AccumulatedMicroBatchesFollowTheLargeBatch) {
  auto large = parse_experiment_config(config_text("max_steps = 6\n"), "test.toml",
                                       {"data.batch_size=1024"});
  auto micro = parse_experiment_config(config_text("max_steps = 6\ngrad_accum = 2\n"),
                                       "test.toml");
  std::vector<double> losses[2];
  int k = 0;
  for (ExperimentConfig* config : {&large, &micro}) {
    config->data.eval_paths.clear();
    Trainer trainer(std::move(*config));
    auto recorder = std::make_shared<LossRecorder>();
    trainer.add_hook(recorder);
    trainer.train_and_evaluate();
    losses[k++] = recorder->losses;
  }
  ASSERT_EQ(losses[0].size(), 6u);
  ASSERT_EQ(losses[1].size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(losses[0][i], losses[1][i], 1e-4) << i;
}

TEST_F(TrainerTest, BadConfigsFailBeforeTrainingNamingTheKeyOrColumn) {
  auto message = [&](const std::string& extra, std::vector<std::string> overrides = {}) {
    try {
      Trainer trainer(parse_experiment_config(config_text(extra), "test.toml", overrides));
      return std::string("no error");
    } catch (const Error& error) {
      return std::string(error.what());
    }
  };
  EXPECT_NE(message("epoch = 2\n").find("test.toml: train.epoch: unknown key"),
            std::string::npos);
  EXPECT_NE(message("", {"train.epochs=0"}).find("train.epochs: expected an integer >= 1"),
            std::string::npos);
  EXPECT_NE(message("", {"model.hidden=[32, -1]"}).find("test.toml: model.hidden"),
            std::string::npos);
  EXPECT_NE(message("", {"data.sparse=[\"c1\", \"nope\"]"}).find("nope"), std::string::npos);
  EXPECT_NE(message("", {"sparse_optimizer.name=\"adamm\""}).find("test.toml: sparse_optimizer"),
            std::string::npos);
}

TEST_F(TrainerTest, MetricsFileAndCurvesAreWritten) {
  ExperimentConfig config = parse_experiment_config(config_text("max_steps = 20\n"), "test.toml");
  const auto output = config.train.output;
  std::filesystem::remove_all(output);
  Trainer trainer(std::move(config));
  trainer.add_hook(std::make_shared<MetricsFileHook>(output, 10));
  trainer.train_and_evaluate();
  const std::string metrics = testing::read_file(output / "metrics.jsonl");
  EXPECT_NE(metrics.find("\"kind\":\"train\""), std::string::npos);
  EXPECT_NE(metrics.find("\"step\":20"), std::string::npos);
  EXPECT_NE(metrics.find("\"kind\":\"eval\""), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(output / "curves.png"));
}

}  // namespace
}  // namespace recis::train

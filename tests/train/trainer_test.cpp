// The trainer end to end on small generated data: it learns, runs are deterministic, gradient
// accumulation equals the large batch, and bad configs fail before the first step.
#include "recis/train/trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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
  // i1_ops: the ops of feature i1 after its select.
  std::string config_text(const std::string& extra_train = "",
                          const std::string& i1_ops = "{ op = \"log1p\" }") const {
    return "[data]\ntrain = [\"" + (data_->path() / "train").string() + "\"]\neval = [\"" +
           (data_->path() / "eval").string() +
           "\"]\nbatch_size = 512\ndense = [\"i1\", \"i2\"]\n"
           "sparse = [\"c2\", \"c4\", \"c5\", \"c6\", \"c8\", \"c10\", \"c12\", \"c17\"]\n"
           "[[features]]\nname = \"i1\"\nops = [{ op = \"select\", column = \"i1\" }, " +
           i1_ops + "]\n"
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

// The training data as a batch source that puts a NaN into column i1 of the batches `poisoned`
// says (counting from 0) and, with `drop`, leaves them out instead.
std::function<std::optional<ragged::Batch>()> poisoning_source(
    Trainer& trainer, std::function<bool(int64_t)> poisoned, bool drop) {
  auto index = std::make_shared<int64_t>(0);
  return [&trainer, poisoned, drop, index]() -> std::optional<ragged::Batch> {
    for (;;) {
      std::optional<ragged::Batch> batch = trainer.train_dataset().next();
      if (!batch || !poisoned((*index)++)) return batch;
      if (drop) continue;
      const ragged::Column& column = batch->at("i1");
      torch::Tensor values = std::holds_alternative<torch::Tensor>(column)
                                 ? std::get<torch::Tensor>(column)
                                 : std::get<ragged::RaggedTensor>(column).values();
      values.view(-1)[0] = std::numeric_limits<double>::quiet_NaN();
      return batch;
    }
  };
}

TEST_F(TrainerTest, ANaNLossStopsTheRunNamingTheStepAndTheFeatureOps) {
  // (i1 - 1e6) is far below -1 for every count: log1p makes NaN of all of them.
  Trainer trainer(parse_experiment_config(
      config_text("max_steps = 5\n",
                  "{ op = \"normalize\", mean = 1e6, std = 1.0 }, { op = \"log1p\" }"),
      "test.toml"));
  try {
    trainer.train_and_evaluate();
    FAIL() << "trained through a NaN loss";
  } catch (const Error& error) {
    const std::string what = error.what();
    EXPECT_EQ(what.rfind("step 1: the loss is NaN: dense input 'i1' has 512 of 512 values NaN or "
                         "Inf: feature 'i1' ops (select -> normalize -> log1p) made them from "
                         "finite values",
                         0),
              0u)
        << what;
  }
  EXPECT_EQ(trainer.step(), 0);
}

TEST_F(TrainerTest, SkippedNaNBatchesTrainAsIfTheyWereNeverThere) {
  const auto every_third = [](int64_t i) { return i % 3 == 1; };
  std::vector<double> losses[2];
  int64_t skipped[2] = {0, 0};
  for (int drop = 0; drop < 2; ++drop) {
    ExperimentConfig config = parse_experiment_config(
        config_text("max_steps = 9\nnonfinite = \"skip_batch\"\n"), "test.toml");
    config.data.eval_paths.clear();
    Trainer trainer(std::move(config));
    trainer.set_batch_source(poisoning_source(trainer, every_third, drop == 1));
    auto recorder = std::make_shared<LossRecorder>();
    trainer.add_hook(recorder);
    skipped[drop] = trainer.train_and_evaluate().skipped_batches;
    losses[drop] = recorder->losses;
  }
  EXPECT_EQ(skipped[0], 4);  // batches 1, 4, 7 and 10 of the first 13
  EXPECT_EQ(skipped[1], 0);
  ASSERT_EQ(losses[0].size(), 9u);
  EXPECT_EQ(losses[0], losses[1]);
}

TEST_F(TrainerTest, NonfiniteCheckpointSavesTheLastFiniteStateBeforeStopping) {
  ExperimentConfig config = parse_experiment_config(
      config_text("nonfinite_checkpoint = true\ncheckpoint_at_end = false\n"), "test.toml");
  const auto output = data_->path() / "nonfinite-out";
  config.train.output = output;
  Trainer trainer(std::move(config));
  trainer.set_batch_source(poisoning_source(trainer, [](int64_t i) { return i == 5; }, false));
  try {
    trainer.train_and_evaluate();
    FAIL() << "trained through a NaN loss";
  } catch (const Error& error) {
    const std::string what = error.what();
    EXPECT_EQ(what.rfind("step 6: the loss is NaN: dense input 'i1' has 1 of 512 values NaN or "
                         "Inf: the data's column 'i1' holds 1 NaN/Inf values",
                         0),
              0u)
        << what;
    EXPECT_NE(what.find((output / "ckpt-5").string()), std::string::npos) << what;
  }
  EXPECT_TRUE(std::filesystem::exists(output / "ckpt-5" / "manifest.json"));
}

}  // namespace
}  // namespace recis::train

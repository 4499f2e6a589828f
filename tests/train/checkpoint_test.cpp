// Trainer checkpoints end to end: a run stopped at a micro-batch (on a step boundary or inside
// gradient accumulation), saved, and resumed in a fresh trainer ends bit for bit where the
// uninterrupted run ends; weights-only restores evaluate as the saved trainer did; corrupt
// checkpoints are refused naming the file.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <vector>

#include "recis/common/error.h"
#include "recis/datagen/criteo_generator.h"
#include "recis/serialize/core/checkpoint_dir.h"
#include "recis/train/builtin_hooks.h"
#include "recis/train/trainer.h"
#include "support/test_support.h"

namespace recis::train {
namespace {

// Records each step's loss by step number, and stops the run after `stop_after` micro-batches.
class Recorder : public Hook {
 public:
  explicit Recorder(int64_t stop_after = 0) : stop_after_(stop_after) {}
  void on_batch_end(Trainer& trainer, int64_t batches) override {
    if (stop_after_ > 0 && batches == stop_after_) trainer.request_stop();
  }
  void on_step_end(Trainer&, const StepRecord& record) override {
    losses[record.step] = record.loss;
  }
  std::map<int64_t, double> losses;

 private:
  int64_t stop_after_;
};

// Everything a run's result consists of, as bytes: rows by (table, id), dense parameters.
struct Snapshot {
  std::map<std::pair<std::string, int64_t>, std::vector<std::byte>> rows;
  std::map<std::string, std::vector<float>> dense;
  int64_t sparse_steps = 0;
  bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(Trainer& trainer) {
  Snapshot out;
  embedding::Engine& engine = trainer.embeddings();
  for (std::size_t t = 0; t < engine.table_count(); ++t) {
    const embedding::TableCore& core = engine.table(t).core();
    const std::size_t bytes = core.rows().layout().row_bytes();
    core.for_each_row([&](int64_t id, int64_t row) {
      const std::byte* data = core.rows().row_data(row);
      out.rows[{engine.table(t).name(), id}].assign(data, data + bytes);
    });
  }
  for (const auto& item : trainer.model().named_parameters(true)) {
    const torch::Tensor values = item.value().detach().contiguous();
    out.dense[item.key()].assign(values.data_ptr<float>(), values.data_ptr<float>() + values.numel());
  }
  out.sparse_steps = trainer.sparse_optimizer().step_count();
  return out;
}

class CheckpointTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new testing::TempDir();
    datagen::generate_criteo(datagen::CriteoOptions()
                                 .with_out_dir(data_->path() / "train")
                                 .with_rows(6000)
                                 .with_parts(2)
                                 .with_seed(9));
    datagen::generate_criteo(datagen::CriteoOptions()
                                 .with_out_dir(data_->path() / "eval")
                                 .with_rows(2000)
                                 .with_first_row(6000)
                                 .with_seed(9));
  }
  static void TearDownTestSuite() { delete data_; }

  // DeepFM with dropout (the RNG matters), shuffled data over 2 epochs, gradient accumulation,
  // a warm-up schedule, TTL eviction and count admission: every kind of state a resume restores.
  ExperimentConfig config(const std::string& output, const std::string& sparse_optimizer = "adam",
                          const std::string& row_type = "fp32") const {
    const std::string text =
        "[data]\ntrain = [\"" + (data_->path() / "train").string() + "\"]\neval = [\"" +
        (data_->path() / "eval").string() +
        "\"]\nbatch_size = 256\nshuffle = true\ndense = [\"i1\"]\n"
        "sparse = [\"c2\", \"c4\", \"c6\", \"c8\"]\n"
        "[[features]]\nname = \"i1\"\nops = [{ op = \"select\", column = \"i1\" }, { op = "
        "\"log1p\" }]\n"
        "[[embedding]]\nfeatures = [\"c2\", \"c4\"]\ndim = 8\ndtype = \"" + row_type + "\"\n"
        "[[embedding]]\nfeatures = [\"c6\", \"c8\"]\ndim = 8\nadmission = { threshold = 2 }\n"
        "eviction = { ttl_steps = 6 }\n"
        "[[embedding]]\nfeatures = [\"c2\", \"c4\", \"c6\", \"c8\"]\nsuffix = \"_wide\"\ndim = 1\n"
        "[model]\ntype = \"deepfm\"\nhidden = [16]\ndropout = 0.2\n"
        "[sparse_optimizer]\nname = \"" + sparse_optimizer + "\"\nlr = 0.01\n"
        "[dense_optimizer]\nname = \"adam\"\nlr = 0.003\n"
        "schedule = { kind = \"linear\", warmup_steps = 5, decay_steps = 20, end_lr = 0.001 }\n"
        "[train]\nseed = 7\nepochs = 2\ngrad_accum = 2\nlog_every = 4\nevict_every = 3\n"
        "keep_checkpoints = 2\noutput = \"" +
        output + "\"\n";
    return parse_experiment_config(text, "checkpoint_test.toml");
  }

  std::filesystem::path out(const std::string& name) const { return data_->path() / name; }

  static testing::TempDir* data_;
};

testing::TempDir* CheckpointTest::data_ = nullptr;

// A trainer with the CLI's eviction hook and a recorder.
std::unique_ptr<Trainer> make_trainer(ExperimentConfig config, std::shared_ptr<Recorder> recorder) {
  const int64_t evict_every = config.train.evict_every;
  auto trainer = std::make_unique<Trainer>(std::move(config));
  trainer->add_hook(std::make_shared<EvictionHook>(evict_every));
  trainer->add_hook(recorder);
  return trainer;
}

TEST_F(CheckpointTest, ResumedRunsEndBitForBitWhereTheUninterruptedRunEnds) {
  auto full_recorder = std::make_shared<Recorder>();
  auto full = make_trainer(config(out("full").string()), full_recorder);
  full->train_and_evaluate();
  const Snapshot expected = snapshot(*full);
  ASSERT_EQ(full->step(), (12000 / 256 + 1) / 2);  // 47 micro-batches, 23 whole steps

  // Micro-batch 9 is inside a step (grad_accum 2), 14 on a boundary, 30 in the second epoch.
  for (const int64_t cut : {9, 14, 30}) {
    SCOPED_TRACE("cut after micro-batch " + std::to_string(cut));
    const std::filesystem::path output = out("cut" + std::to_string(cut));
    auto first_recorder = std::make_shared<Recorder>(cut);
    auto first = make_trainer(config(output.string()), first_recorder);
    first->train_and_evaluate();
    EXPECT_EQ(first->pending_micro_batches(), cut % 2);
    const std::filesystem::path saved = first->save_checkpoint();
    EXPECT_EQ(saved, output / ("ckpt-" + std::to_string(cut / 2)));
    first.reset();

    auto resumed_recorder = std::make_shared<Recorder>();
    auto resumed = make_trainer(config(output.string()), resumed_recorder);
    resumed->restore_checkpoint(*serialize::latest_checkpoint(output));
    EXPECT_EQ(resumed->step(), cut / 2);
    resumed->train_and_evaluate();
    EXPECT_TRUE(snapshot(*resumed) == expected);
    for (const auto& [step, loss] : resumed_recorder->losses) {
      EXPECT_EQ(loss, full_recorder->losses.at(step)) << "step " << step;
    }
    EXPECT_EQ(resumed_recorder->losses.size(), full_recorder->losses.size() - cut / 2);
  }
}

TEST_F(CheckpointTest, EverySparseOptimizerAndRowTypeResumesExactly) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"sgd", "fp32"},     {"adagrad", "fp32"}, {"rowwise_adagrad", "bf16"},
      {"adamw", "bf16"},   {"adamw_tf", "fp16"}, {"ftrl", "fp32"},
  };
  for (const auto& [optimizer, row_type] : cases) {
    SCOPED_TRACE(optimizer + " " + row_type);
    const std::filesystem::path output = out("optimizer_" + optimizer);
    ExperimentConfig settings = config(output.string(), optimizer, row_type);
    settings.train.max_steps = 6;
    auto full = make_trainer(settings, std::make_shared<Recorder>());
    full->train_and_evaluate();

    auto first = make_trainer(settings, std::make_shared<Recorder>(5));  // inside step 3
    first->train_and_evaluate();
    const std::filesystem::path saved = first->save_checkpoint();
    first.reset();
    auto resumed = make_trainer(settings, std::make_shared<Recorder>());
    resumed->restore_checkpoint(saved);
    resumed->train_and_evaluate();
    EXPECT_TRUE(snapshot(*resumed) == snapshot(*full));
  }
}

TEST_F(CheckpointTest, WeightsOnlyRestoreEvaluatesAsTheSavedTrainer) {
  ExperimentConfig settings = config(out("weights").string());
  settings.train.max_steps = 8;
  Trainer trained(settings);
  const EvalRecord original = *trained.train_and_evaluate().eval;
  const std::filesystem::path saved = trained.save_checkpoint();

  Trainer loaded(config(out("weights").string()));
  loaded.restore_checkpoint(saved, RestoreMode::Weights);
  EXPECT_EQ(loaded.step(), 0);
  const EvalRecord again = loaded.evaluate();
  EXPECT_EQ(again.auc, original.auc);
  EXPECT_EQ(again.logloss, original.logloss);
  EXPECT_EQ(again.samples, original.samples);
}

TEST_F(CheckpointTest, KeepsTheNewestCheckpointsAndRefusesCorruptOnes) {
  ExperimentConfig settings = config(out("keep").string());
  settings.train.max_steps = 6;
  settings.train.checkpoint_every = 2;
  Trainer trainer(settings);
  trainer.add_hook(std::make_shared<CheckpointHook>(2, true));
  trainer.train_and_evaluate();
  const std::vector<std::filesystem::path> kept = serialize::list_checkpoints(out("keep"));
  ASSERT_EQ(kept.size(), 2u);  // keep_checkpoints = 2: steps 4 and 6
  EXPECT_EQ(kept[0].filename(), "ckpt-4");
  EXPECT_EQ(kept[1].filename(), "ckpt-6");

  // One flipped bit in the middle of a rows file.
  const std::filesystem::path rows = kept[1] / "sparse" / "c6.safetensors";
  ASSERT_TRUE(std::filesystem::exists(rows));
  testing::flip_bits(rows, std::filesystem::file_size(rows) / 2);
  Trainer corrupt(config(out("keep").string()));
  try {
    corrupt.restore_checkpoint(kept[1]);
    FAIL() << "a corrupt checkpoint was loaded";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("c6.safetensors"), std::string::npos) << error.what();
  }
  // A truncated one.
  std::filesystem::resize_file(kept[0] / "dense" / "model.safetensors", 100);
  Trainer truncated(config(out("keep").string()));
  try {
    truncated.restore_checkpoint(kept[0]);
    FAIL() << "a truncated checkpoint was loaded";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("model.safetensors"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace recis::train

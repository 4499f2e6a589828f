// The trainer's built-in hooks (hook.h), each small:
//   ProgressHook     - on a terminal one updating line (step, samples/s, loss, AUC, ETA);
//                      otherwise a plain log line every log_every steps; eval results as lines.
//   MetricsFileHook  - appends step and eval records to OUTPUT/metrics.jsonl; at the end draws
//                      OUTPUT/curves.png (loss and AUC over steps) with gnuplot.
//   EvictionHook     - frees idle rows (TTL, capacity) in every table every N steps.
//   CheckpointHook   - saves OUTPUT/ckpt-STEP every N steps and when training ends or is stopped
//                      (Trainer::save_checkpoint).
//   EarlyStopHook    - stops training after `patience` evaluations without an AUC gain.
//   ProfilerHook     - records steps [first, last] with libtorch's autograd profiler as a
//                      chrome trace (chrome://tracing).
// Created by the CLI (recis train) from [train]; users add their own with Trainer::add_hook.
// Thread-safety: called on the training thread only.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "recis/train/hook.h"

namespace recis::train {

// A hook that needs the records alone, not the trainer: the Python Trainer's run log
// (src/recis/python) drives it through the same three calls.
class RecordHook : public Hook {
 public:
  void on_step_end(Trainer&, const StepRecord& record) final { record_step(record); }
  void on_eval_end(Trainer&, const EvalRecord& record) final { record_eval(record); }
  void on_train_end(Trainer&) final { finish(); }
  virtual void record_step(const StepRecord& record) = 0;
  virtual void record_eval(const EvalRecord& record) = 0;
  virtual void finish() = 0;
};

class ProgressHook : public RecordHook {
 public:
  // interactive: redraw one line with '\r' (a terminal); else log every log_every steps.
  ProgressHook(bool interactive, int64_t log_every);
  void record_step(const StepRecord& record) override;
  void record_eval(const EvalRecord& record) override;
  void finish() override;

 private:
  bool interactive_;
  int64_t log_every_;
  double smoothed_loss_ = 0;
  bool line_open_ = false;
};

class MetricsFileHook : public RecordHook {
 public:
  MetricsFileHook(std::filesystem::path output_dir, int64_t log_every);
  void record_step(const StepRecord& record) override;
  void record_eval(const EvalRecord& record) override;
  void finish() override;

 private:
  std::filesystem::path dir_;
  int64_t log_every_;
  std::ofstream metrics_;
  void write_train_record(const StepRecord& record);

  std::ofstream loss_points_, auc_points_;  // the curves' data, kept beside metrics.jsonl
  double window_loss_ = 0;
  int64_t window_steps_ = 0;
  StepRecord last_step_;
  bool has_eval_points_ = false;  // some evaluation had an AUC
  bool has_train_auc_ = false;  // some train record had an AUC (models without one: no AUC panel)
};

class EvictionHook : public Hook {
 public:
  explicit EvictionHook(int64_t every) : every_(every) {}
  void on_step_end(Trainer& trainer, const StepRecord& record) override;

 private:
  int64_t every_;
};

class CheckpointHook : public Hook {
 public:
  // every: steps between checkpoints (0: none during training); at_end: one more at the end
  // unless the last step was just saved.
  CheckpointHook(int64_t every, bool at_end) : every_(every), at_end_(at_end) {}
  void on_step_end(Trainer& trainer, const StepRecord& record) override;
  void on_train_end(Trainer& trainer) override;

 private:
  int64_t every_;
  bool at_end_;
  int64_t last_saved_step_ = -1;
};

class EarlyStopHook : public Hook {
 public:
  explicit EarlyStopHook(int64_t patience) : patience_(patience) {}
  void on_eval_end(Trainer& trainer, const EvalRecord& record) override;

 private:
  int64_t patience_;
  double best_auc_ = -1;
  int64_t evaluations_without_gain_ = 0;
};

class ProfilerHook : public Hook {
 public:
  ProfilerHook(std::string trace_path, int64_t first_step, int64_t last_step);
  ~ProfilerHook() override;
  void on_train_begin(Trainer& trainer) override;
  void on_step_end(Trainer& trainer, const StepRecord& record) override;
  void on_train_end(Trainer& trainer) override;

 private:
  std::string path_;
  int64_t first_, last_;
  std::unique_ptr<torch::autograd::profiler::RecordProfile> recording_;
};

}  // namespace recis::train

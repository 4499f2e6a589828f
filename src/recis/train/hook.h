// Hook: code the trainer calls at fixed points of a run — the extension point for logging,
// eviction, checkpoints, profiling, early stopping and anything a user adds in C++
// (Trainer::add_hook). The records are what the trainer measured at that point.
// Called on the training thread only; a hook needs no locking of its own.
#pragma once

#include <cstdint>

namespace recis::train {

class Trainer;

// After each optimizer step.
struct StepRecord {
  int64_t step = 0;           // optimizer steps done
  int64_t epoch = 0;          // the epoch the last batch came from
  int64_t samples = 0;        // training samples seen so far
  double loss = 0;            // this step's mean loss
  double auc = 0;             // training AUC of the last complete log window (NaN before one)
  double samples_per_s = 0;   // since training began
  double elapsed_s = 0;
  double progress = 0;        // fraction of the planned steps or data done, in [0, 1]
};

// After each evaluation.
struct EvalRecord {
  int64_t step = 0;
  int64_t samples = 0;
  double auc = 0;
  double logloss = 0;
  double calibration = 0;  // mean prediction / mean label
  double gauc = 0;         // NaN without a group column
  double seconds = 0;
};

class Hook {
 public:
  virtual ~Hook() = default;
  virtual void on_train_begin(Trainer&) {}
  // After each micro-batch's backward; `batches` counts this run's micro-batches.
  virtual void on_batch_end(Trainer&, int64_t batches) {}
  virtual void on_step_end(Trainer&, const StepRecord&) {}
  virtual void on_eval_end(Trainer&, const EvalRecord&) {}
  virtual void on_train_end(Trainer&) {}
};

}  // namespace recis::train

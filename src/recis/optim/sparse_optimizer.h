// SparseOptimizer: the base of the optimizers that update embedding rows in place. Each table
// holds the optimizer's state as fp32 row slots (slots(dim) says which; the table creator passes
// them to TableOptions), so the state of a row lives, moves, is evicted and is checkpointed with
// its row. step() takes one SparseGrad per table and updates only the rows it names ("lazy"
// semantics: untouched rows, and their slots, stay as they are).
//
// Step counting: one global counter per optimizer, incremented at the start of every step()
// (also a step that touches no row), as torch counts steps of a parameter that is updated every
// step. Adam's bias correction and Adagrad's lr_decay use it, so a row first touched at step 100
// is corrected with t = 100, not t = 1.
//
// Gradient rows are multiplied by the GradReduction's factor as they are read (values are never
// modified). Rows of one gradient are updated in parallel over the optimizer's threads; fp32 rows
// in place, bf16/fp16 rows through an fp32 copy rounded back on write.
// Callers: the trainer (step, set_lr, state), the table creator (slots), checkpoints (state).
// Thread-safety: step() must not run concurrently with itself or with lookups that create rows
// of the same table; ids (hence rows) within one SparseGrad must be unique.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "recis/common/thread_pool.h"
#include "recis/embedding/sparse_grad.h"
#include "recis/optim/grad_reduce.h"

namespace recis::optim {

struct SparseOptimizerOptions {
  double lr = 0.01;
  GradReduction reduction;
  std::size_t threads = 0;  // 0: recis::configured_threads()
};

class SparseOptimizer {
 public:
  virtual ~SparseOptimizer();
  SparseOptimizer(const SparseOptimizer&) = delete;
  SparseOptimizer& operator=(const SparseOptimizer&) = delete;

  // "sgd", "adagrad", "rowwise_adagrad", "adam", "adamw", "adamw_tf" or "ftrl".
  virtual std::string_view name() const = 0;
  // The slots a table of this dim must be created with, in the order the update reads them.
  virtual std::vector<embedding::SlotSpec> slots(std::size_t dim) const = 0;

  // Checks every gradient (shapes, dtypes, rows, the table's slots), throwing Error naming the
  // gradient and what is wrong before any row changes; then counts the step and updates rows.
  void step(std::span<const embedding::SparseGrad> grads);

  int64_t step_count() const { return step_count_; }
  double lr() const { return lr_; }
  void set_lr(double lr);
  const GradReduction& grad_reduction() const { return reduction_; }

  // Checkpoint state besides the row slots: {"optimizer": name, "step": t, "lr": lr}.
  nlohmann::json state() const;
  // Throws Error when the state belongs to another optimizer or lacks a field.
  void load_state(const nlohmann::json& state);

 protected:
  explicit SparseOptimizer(const SparseOptimizerOptions& options);

  // Updates the rows of one checked gradient at step t >= 1. slot_indexes[k] is the table's
  // index of slots(dim)[k].
  virtual void update(const embedding::SparseGrad& grad, std::span<const std::size_t> slot_indexes,
                      int64_t t) = 0;

  ThreadPool& pool() { return *pool_; }

 private:
  std::vector<std::size_t> check(const embedding::SparseGrad& grad, std::size_t index) const;

  double lr_;
  GradReduction reduction_;
  int64_t step_count_ = 0;
  std::unique_ptr<ThreadPool> pool_;
};

}  // namespace recis::optim

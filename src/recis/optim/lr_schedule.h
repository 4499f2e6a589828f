// LrSchedule: the learning rate as a function of the global step, shared by the sparse and the
// dense optimizers (the trainer calls lr_at(step) each step and hands it to
// SparseOptimizer::set_lr and set_dense_lr):
//   constant - lr;
//   linear   - warm up linearly from lr/warmup_steps to lr over the first warmup_steps steps,
//              then decay linearly to end_lr over decay_steps steps, and stay at end_lr.
// From TOML, the optimizer's [*.schedule] sub-table: kind = "constant" | "linear",
// warmup_steps, decay_steps, end_lr (docs/optimizers.md). Plain value type, thread-safe.
#pragma once

#include <toml++/toml.h>
#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace recis::optim {

enum class LrScheduleKind { Constant, Linear };

struct LrSchedule {
  LrScheduleKind kind = LrScheduleKind::Constant;
  double lr = 0.01;
  int64_t warmup_steps = 0;
  int64_t decay_steps = 0;
  double end_lr = 0;

  // step counts from 0 (the first step).
  double lr_at(int64_t step) const;
};

// Reads `schedule` from the optimizer table `config` (whose "lr" is the peak rate); a missing
// schedule is constant. Throws ConfigError naming the context and key.
LrSchedule lr_schedule_from_toml(const toml::table& config, double default_lr,
                                 const std::string& context);

// Sets the learning rate of every parameter group.
void set_dense_lr(torch::optim::Optimizer& optimizer, double lr);

}  // namespace recis::optim

#include "recis/optim/lr_schedule.h"

#include <algorithm>
#include <cmath>

#include "recis/optim/config_keys.h"

namespace recis::optim {

double LrSchedule::lr_at(int64_t step) const {
  if (kind == LrScheduleKind::Constant) return lr;
  if (step < warmup_steps) {
    return lr * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  }
  const int64_t decayed = step - warmup_steps;
  if (decay_steps == 0 || decayed >= decay_steps) return decay_steps == 0 ? lr : end_lr;
  const double fraction = static_cast<double>(decayed) / static_cast<double>(decay_steps);
  return lr + (end_lr - lr) * fraction;
}

LrSchedule lr_schedule_from_toml(const toml::table& config, double default_lr,
                                 const std::string& context) {
  LrSchedule schedule;
  ConfigKeys outer(config, context);
  schedule.lr = outer.number("lr", default_lr);
  const toml::node* node = config.get("schedule");
  if (!node) return schedule;
  const std::string where = context + ".schedule";
  if (!node->is_table()) outer.fail("'schedule' must be a table");
  ConfigKeys keys(*node->as_table(), where);
  const std::string kind = keys.string("kind", "constant");
  if (kind == "linear") {
    schedule.kind = LrScheduleKind::Linear;
  } else if (kind != "constant") {
    keys.fail("unknown kind '" + kind + "' (known: constant, linear)");
  }
  const auto steps = [&keys](const std::string& key) {
    const double value = keys.number(key, 0);
    if (!(value >= 0 && value < 9e15) || value != std::floor(value)) {
      keys.fail("'" + key + "' must be a whole number >= 0, got " + std::to_string(value));
    }
    return static_cast<int64_t>(value);
  };
  schedule.warmup_steps = steps("warmup_steps");
  schedule.decay_steps = steps("decay_steps");
  schedule.end_lr = keys.number("end_lr", 0);
  if (!std::isfinite(schedule.end_lr) || schedule.end_lr < 0) {
    keys.fail("'end_lr' must be a finite number >= 0, got " + std::to_string(schedule.end_lr));
  }
  keys.check_all_read();
  return schedule;
}

void set_dense_lr(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace recis::optim

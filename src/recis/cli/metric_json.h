// JSON for the metrics `recis train` and `recis eval` print: NaN and infinities (a metric that
// does not exist, e.g. GAUC without a group column) become null. Pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "recis/train/hook.h"

namespace recis::cli {

nlohmann::json metric(double value);
// auc, logloss, gauc, calibration, eval_samples.
void add_eval_metrics(nlohmann::json& line, const train::EvalRecord& eval);

}  // namespace recis::cli

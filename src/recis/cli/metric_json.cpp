#include "recis/cli/metric_json.h"

#include <cmath>

namespace recis::cli {

nlohmann::json metric(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

void add_eval_metrics(nlohmann::json& line, const train::EvalRecord& eval) {
  line["auc"] = metric(eval.auc);
  line["logloss"] = metric(eval.logloss);
  line["gauc"] = metric(eval.gauc);
  line["calibration"] = metric(eval.calibration);
  line["eval_samples"] = eval.samples;
}

}  // namespace recis::cli

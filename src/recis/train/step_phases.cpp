#include "recis/train/step_phases.h"

namespace recis::train {

std::string_view StepPhases::name(Phase phase) {
  switch (phase) {
    case Phase::Data: return "data";
    case Phase::Features: return "features";
    case Phase::EmbeddingForward: return "embedding_forward";
    case Phase::DenseForward: return "dense_forward";
    case Phase::Backward: return "backward";
    case Phase::SparseGradients: return "sparse_gradients";
    case Phase::SparseOptimizer: return "sparse_optimizer";
    case Phase::DenseOptimizer: return "dense_optimizer";
    case Phase::Evaluation: return "evaluation";
    case Phase::Hooks: return "hooks";
    case Phase::kCount: break;
  }
  return "unknown";
}

nlohmann::json StepPhases::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < seconds.size(); ++i) out[std::string(name(Phase(i)))] = seconds[i];
  return out;
}

}  // namespace recis::train

// StepPhases: where a training run's time goes, summed over the run: waiting for the next batch,
// feature ops, embedding forward (dedup, lookup, gather, pooling), the dense model's forward,
// backward (dense model and pooling), moving sparse gradients into the accumulators, the sparse
// and dense optimizer steps, evaluation and hooks. PhaseTimer adds the time of a scope to one phase.
// Filled by the Trainer, reported in TrainSummary, `recis train`'s summary and
// `recis bench train --breakdown`. Thread-safety: owned by the training thread.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace recis::train {

enum class Phase : std::size_t {
  Data,
  Features,
  EmbeddingForward,
  DenseForward,
  Backward,
  SparseGradients,
  SparseOptimizer,
  DenseOptimizer,
  Evaluation,
  Hooks,
  kCount,
};

struct StepPhases {
  std::array<double, static_cast<std::size_t>(Phase::kCount)> seconds{};

  double& operator[](Phase phase) { return seconds[static_cast<std::size_t>(phase)]; }
  double operator[](Phase phase) const { return seconds[static_cast<std::size_t>(phase)]; }
  static std::string_view name(Phase phase);
  // {"data": s, "features": s, ...}
  nlohmann::json to_json() const;
};

class PhaseTimer {
 public:
  PhaseTimer(StepPhases& phases, Phase phase)
      : phases_(phases), phase_(phase), start_(std::chrono::steady_clock::now()) {}
  ~PhaseTimer() {
    phases_[phase_] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;

 private:
  StepPhases& phases_;
  Phase phase_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace recis::train

#include "recis/optim/sparse_optimizer.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "recis/common/error.h"
#include "recis/common/threads.h"

namespace recis::optim {
namespace {

void check_lr(double lr) {
  if (!std::isfinite(lr) || lr < 0) {
    throw ConfigError("sparse optimizer: lr must be a finite number >= 0, got " +
                      std::to_string(lr));
  }
}

}  // namespace

SparseOptimizer::SparseOptimizer(const SparseOptimizerOptions& options)
    : lr_(options.lr), reduction_(options.reduction) {
  check_lr(lr_);
  if (reduction_.world_size < 1) {
    throw ConfigError("sparse optimizer: world_size must be >= 1, got " +
                      std::to_string(reduction_.world_size));
  }
  const std::size_t threads = options.threads ? options.threads : configured_threads();
  pool_ = std::make_unique<ThreadPool>(std::max<std::size_t>(threads, 1) - 1);
}

SparseOptimizer::~SparseOptimizer() = default;

void SparseOptimizer::set_lr(double lr) {
  check_lr(lr);
  lr_ = lr;
}

std::vector<std::size_t> SparseOptimizer::check(const embedding::SparseGrad& grad,
                                                std::size_t index) const {
  const std::string where = std::string(name()) + " step: gradient " + std::to_string(index);
  if (!grad.table) throw Error(where + " has no table");
  const embedding::RowBlocks& blocks = grad.table->rows();
  const auto dim = static_cast<int64_t>(blocks.layout().dim());
  const auto& rows = grad.rows;
  if (!rows.defined() || rows.dim() != 1 || rows.scalar_type() != torch::kInt64 ||
      !rows.is_contiguous() || !rows.device().is_cpu()) {
    throw Error(where + ": rows must be a contiguous CPU int64 vector");
  }
  const int64_t n = rows.numel();
  const auto& values = grad.values;
  if (!values.defined() || values.scalar_type() != torch::kFloat32 || !values.is_contiguous() ||
      !values.device().is_cpu() || values.dim() != 2 || values.size(0) != n ||
      values.size(1) != dim) {
    throw Error(where + ": values must be a contiguous CPU float32 tensor of shape [" +
                std::to_string(n) + ", " + std::to_string(dim) + "] (rows x table dim), got " +
                (values.defined() ? std::string(values.toString()) + " " + c10::str(values.sizes())
                                  : std::string("none")));
  }
  const int64_t* row_data = rows.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    if (!blocks.contains(row_data[i])) {
      throw Error(where + ": row " + std::to_string(row_data[i]) + " (entry " + std::to_string(i) +
                  ") is not a row of the table");
    }
  }
  if (reduction_.by == GradReduce::Id) {
    const auto& counts = grad.counts;
    if (!counts.defined() || counts.dim() != 1 || counts.numel() != n ||
        counts.scalar_type() != torch::kInt64 || !counts.is_contiguous() ||
        !counts.device().is_cpu()) {
      throw Error(where + ": grad_reduce_by = id needs counts, a contiguous CPU int64 vector of " +
                  std::to_string(n) + " occurrence counts");
    }
    const int64_t* count_data = counts.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      if (count_data[i] < 1) {
        throw Error(where + ": count " + std::to_string(count_data[i]) + " (entry " +
                    std::to_string(i) + ") must be >= 1");
      }
    }
  }
  std::vector<std::size_t> slot_indexes;
  for (const auto& spec : slots(blocks.layout().dim())) {
    try {
      slot_indexes.push_back(blocks.layout().slot_index(spec.name));
    } catch (const ConfigError& error) {
      throw Error(where + ": the table was not created with this optimizer's slots (" +
                  error.what() + ")");
    }
    const auto& table_spec = blocks.layout().slots()[slot_indexes.back()];
    if (table_spec.width != spec.width) {
      throw Error(where + ": slot '" + spec.name + "' has width " +
                  std::to_string(table_spec.width) + ", expected " + std::to_string(spec.width));
    }
  }
  return slot_indexes;
}

void SparseOptimizer::step(std::span<const embedding::SparseGrad> grads) {
  std::vector<std::vector<std::size_t>> slot_indexes;
  slot_indexes.reserve(grads.size());
  for (std::size_t i = 0; i < grads.size(); ++i) slot_indexes.push_back(check(grads[i], i));
  ++step_count_;
  for (std::size_t i = 0; i < grads.size(); ++i) update(grads[i], slot_indexes[i], step_count_);
}

nlohmann::json SparseOptimizer::state() const {
  return {{"optimizer", std::string(name())}, {"step", step_count_}, {"lr", lr_}};
}

void SparseOptimizer::load_state(const nlohmann::json& state) {
  const std::string expected(name());
  if (!state.is_object() || !state.contains("optimizer") || !state["optimizer"].is_string() ||
      !state.contains("step") || !state["step"].is_number_integer() || !state.contains("lr") ||
      !state["lr"].is_number()) {
    throw Error(expected + " load_state: expected {\"optimizer\", \"step\", \"lr\"}, got " +
                state.dump());
  }
  if (state["optimizer"].get<std::string>() != expected) {
    throw Error(expected + " load_state: the state belongs to optimizer '" +
                state["optimizer"].get<std::string>() + "'");
  }
  const auto step = state["step"].get<int64_t>();
  if (step < 0)
    throw Error(expected + " load_state: step must be >= 0, got " + std::to_string(step));
  set_lr(state["lr"].get<double>());
  step_count_ = step;
}

}  // namespace recis::optim

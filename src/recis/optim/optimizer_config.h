// Optimizers from configuration, so the trainer sets up the sparse and the dense side the same
// way (the keys are documented in docs/optimizers.md):
//   [sparse_optimizer]                         [dense_optimizer]
//   name = "adamw_tf"                          name = "adam"
//   lr = 0.001                                 lr = 0.001
//   weight_decay = 0.01                        [dense_optimizer.schedule] ... (lr_schedule.h)
//   grad_reduce_by = "id"
// Every problem (unknown name, unknown or misspelt key, wrong type, value out of range) throws
// ConfigError naming `context`, the key and the value. A "schedule" sub-table is left to
// lr_schedule_from_toml and ignored here. Pure functions, thread-safe.
#pragma once

#include <toml++/toml.h>
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "recis/optim/sparse_optimizer.h"

namespace recis::optim {

// name: sgd | adagrad | rowwise_adagrad | adam | adamw | adamw_tf | ftrl. world_size divides
// gradients under grad_reduce_by = "worker" (the default); threads 0 = configured_threads().
std::unique_ptr<SparseOptimizer> make_sparse_optimizer(
    const toml::table& config, int64_t world_size = 1, std::size_t threads = 0,
    const std::string& context = "sparse_optimizer");

// name: sgd | adam | adamw | adagrad, with torch's option names and defaults.
std::unique_ptr<torch::optim::Optimizer> make_dense_optimizer(
    const toml::table& config, std::vector<torch::Tensor> params,
    const std::string& context = "dense_optimizer");

}  // namespace recis::optim

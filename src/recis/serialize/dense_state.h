// The dense half of a model as named tensors, for checkpoints: a module's parameters and buffers
// by their module path ("deep.layers.0.weight"), and a torch optimizer's per-parameter state
// ("deep.layers.0.weight/exp_avg", ".../step") for SGD (momentum), Adam, AdamW and Adagrad.
// Loading checks names and shapes both ways and names the offending tensor and source.
// Callers: the trainer's checkpointer. Thread-safety: none; call between steps.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>

#include "recis/serialize/named_tensors.h"

namespace recis::serialize {

NamedTensors module_state(const torch::nn::Module& module);
// Copies every saved tensor into the module's parameter or buffer of that name; throws Error
// (prefixed with `source`) for a missing, extra or differently shaped tensor.
void load_module_state(torch::nn::Module& module, const std::map<std::string, torch::Tensor>& saved,
                       const std::string& source);

// State of the parameters that have any (parameters never stepped have none).
NamedTensors optimizer_state(torch::optim::Optimizer& optimizer, const torch::nn::Module& module);
// Replaces the optimizer's state with the saved one; throws Error (prefixed with `source`) for a
// tensor of an unknown parameter or a state kind this optimizer does not keep.
void load_optimizer_state(torch::optim::Optimizer& optimizer, const torch::nn::Module& module,
                          const std::map<std::string, torch::Tensor>& saved,
                          const std::string& source);

}  // namespace recis::serialize

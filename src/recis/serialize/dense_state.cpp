#include "recis/serialize/dense_state.h"

#include <set>
#include <type_traits>

#include "recis/common/error.h"

namespace recis::serialize {
namespace {

// The optimizer state map's key for a parameter: libtorch 1.13 keys by the TensorImpl address as
// a string, 2.x by the address itself.
using StateMap = std::remove_cvref_t<decltype(std::declval<torch::optim::Optimizer&>().state())>;
using StateKey = typename StateMap::key_type;

template <typename Key>
Key key_of(const torch::Tensor& parameter) {
  if constexpr (std::is_same_v<Key, std::string>) {
    return c10::guts::to_string(parameter.unsafeGetTensorImpl());
  } else {
    return parameter.unsafeGetTensorImpl();
  }
}

StateKey state_key(const torch::Tensor& parameter) { return key_of<StateKey>(parameter); }

torch::Tensor step_tensor(int64_t step) { return torch::tensor(step, torch::kInt64); }

std::string shape_text(const torch::Tensor& tensor) {
  std::string text = "[";
  for (int64_t i = 0; i < tensor.dim(); ++i) text += (i ? ", " : "") + std::to_string(tensor.size(i));
  return text + "]";
}

// One parameter's saved state: kind -> tensor ("exp_avg", "step", ...).
using ParamState = std::map<std::string, torch::Tensor>;

ParamState saved_state_of(const torch::optim::OptimizerParamState& state) {
  ParamState out;
  auto put = [&](const char* kind, const torch::Tensor& tensor) {
    if (tensor.defined()) out[kind] = tensor;
  };
  if (const auto* adam = dynamic_cast<const torch::optim::AdamParamState*>(&state)) {
    out["step"] = step_tensor(adam->step());
    put("exp_avg", adam->exp_avg());
    put("exp_avg_sq", adam->exp_avg_sq());
    put("max_exp_avg_sq", adam->max_exp_avg_sq());
  } else if (const auto* adamw = dynamic_cast<const torch::optim::AdamWParamState*>(&state)) {
    out["step"] = step_tensor(adamw->step());
    put("exp_avg", adamw->exp_avg());
    put("exp_avg_sq", adamw->exp_avg_sq());
    put("max_exp_avg_sq", adamw->max_exp_avg_sq());
  } else if (const auto* adagrad = dynamic_cast<const torch::optim::AdagradParamState*>(&state)) {
    out["step"] = step_tensor(adagrad->step());
    put("sum", adagrad->sum());
  } else if (const auto* sgd = dynamic_cast<const torch::optim::SGDParamState*>(&state)) {
    put("momentum_buffer", sgd->momentum_buffer());
  } else {
    throw Error("dense optimizer state of an unsupported optimizer (supported: sgd, adam, adamw, "
                "adagrad)");
  }
  return out;
}

torch::Tensor take(ParamState& state, const std::string& kind, const std::string& where) {
  const auto found = state.find(kind);
  if (found == state.end()) throw Error(where + ": missing '" + kind + "'");
  torch::Tensor tensor = found->second.clone();
  state.erase(found);
  return tensor;
}

template <typename State>
std::unique_ptr<State> adam_like_state(ParamState& saved, const std::string& where) {
  auto state = std::make_unique<State>();
  state->step(take(saved, "step", where).item<int64_t>());
  state->exp_avg(take(saved, "exp_avg", where));
  state->exp_avg_sq(take(saved, "exp_avg_sq", where));
  if (saved.count("max_exp_avg_sq")) state->max_exp_avg_sq(take(saved, "max_exp_avg_sq", where));
  return state;
}

std::unique_ptr<torch::optim::OptimizerParamState> restored_state(
    torch::optim::Optimizer& optimizer, ParamState saved, const std::string& where) {
  std::unique_ptr<torch::optim::OptimizerParamState> state;
  if (dynamic_cast<torch::optim::Adam*>(&optimizer)) {
    state = adam_like_state<torch::optim::AdamParamState>(saved, where);
  } else if (dynamic_cast<torch::optim::AdamW*>(&optimizer)) {
    state = adam_like_state<torch::optim::AdamWParamState>(saved, where);
  } else if (dynamic_cast<torch::optim::Adagrad*>(&optimizer)) {
    auto adagrad = std::make_unique<torch::optim::AdagradParamState>();
    adagrad->step(take(saved, "step", where).item<int64_t>());
    adagrad->sum(take(saved, "sum", where));
    state = std::move(adagrad);
  } else if (dynamic_cast<torch::optim::SGD*>(&optimizer)) {
    auto sgd = std::make_unique<torch::optim::SGDParamState>();
    if (saved.count("momentum_buffer")) sgd->momentum_buffer(take(saved, "momentum_buffer", where));
    state = std::move(sgd);
  } else {
    throw Error(where + ": unsupported dense optimizer (supported: sgd, adam, adamw, adagrad)");
  }
  if (!saved.empty()) {
    throw Error(where + ": state '" + saved.begin()->first +
                "' is not kept by this optimizer (was it saved with another one?)");
  }
  return state;
}

}  // namespace

NamedTensors module_state(const torch::nn::Module& module) {
  NamedTensors out;
  for (const auto& item : module.named_parameters(true)) out.emplace_back(item.key(), item.value());
  for (const auto& item : module.named_buffers(true)) out.emplace_back(item.key(), item.value());
  return out;
}

void load_module_state(torch::nn::Module& module, const std::map<std::string, torch::Tensor>& saved,
                       const std::string& source) {
  torch::NoGradGuard no_grad;
  std::set<std::string> loaded;
  for (auto& [name, target] : module_state(module)) {
    const auto found = saved.find(name);
    if (found == saved.end()) {
      throw Error(source + ": no tensor '" + name + "' for the model (saved from another model?)");
    }
    if (found->second.sizes() != target.sizes()) {
      throw Error(source + ": tensor '" + name + "' has shape " + shape_text(found->second) +
                  ", the model's is " + shape_text(target));
    }
    target.copy_(found->second);
    loaded.insert(name);
  }
  for (const auto& [name, tensor] : saved) {
    if (!loaded.count(name)) {
      throw Error(source + ": tensor '" + name + "' is not part of the model");
    }
  }
}

NamedTensors optimizer_state(torch::optim::Optimizer& optimizer, const torch::nn::Module& module) {
  NamedTensors out;
  for (const auto& item : module.named_parameters(true)) {
    const auto found = optimizer.state().find(state_key(item.value()));
    if (found == optimizer.state().end()) continue;
    for (auto& [kind, tensor] : saved_state_of(*found->second)) {
      out.emplace_back(item.key() + "/" + kind, tensor);
    }
  }
  return out;
}

void load_optimizer_state(torch::optim::Optimizer& optimizer, const torch::nn::Module& module,
                          const std::map<std::string, torch::Tensor>& saved,
                          const std::string& source) {
  std::map<std::string, ParamState> by_parameter;
  for (const auto& [name, tensor] : saved) {
    const std::size_t slash = name.rfind('/');
    if (slash == std::string::npos) {
      throw Error(source + ": tensor '" + name + "' is not PARAMETER/STATE");
    }
    by_parameter[name.substr(0, slash)][name.substr(slash + 1)] = tensor;
  }
  optimizer.state().clear();
  for (const auto& item : module.named_parameters(true)) {
    const auto found = by_parameter.find(item.key());
    if (found == by_parameter.end()) continue;
    const std::string where = source + ": parameter '" + item.key() + "'";
    for (const auto& [kind, tensor] : found->second) {
      if (kind != "step" && tensor.sizes() != item.value().sizes()) {
        throw Error(where + ": state '" + kind + "' has shape " + shape_text(tensor) +
                    ", the parameter's is " + shape_text(item.value()));
      }
    }
    optimizer.state()[state_key(item.value())] =
        restored_state(optimizer, std::move(found->second), where);
    by_parameter.erase(found);
  }
  if (!by_parameter.empty()) {
    throw Error(source + ": state for '" + by_parameter.begin()->first +
                "', which is not a parameter of the model");
  }
}

}  // namespace recis::serialize

#include "recis/optim/optimizer_config.h"

#include "recis/common/error.h"
#include "recis/optim/adagrad.h"
#include "recis/optim/adam.h"
#include "recis/optim/config_keys.h"
#include "recis/optim/ftrl.h"
#include "recis/optim/rowwise_adagrad.h"
#include "recis/optim/sgd.h"

namespace recis::optim {
namespace {

std::string required_name(ConfigKeys& keys, const std::string& known) {
  const std::string name = keys.string("name", "");
  if (name.empty()) keys.fail("missing 'name' (one of " + known + ")");
  return name;
}

std::unique_ptr<SparseOptimizer> build_sparse(ConfigKeys& keys, const std::string& name,
                                              const SparseOptimizerOptions& base) {
  if (name == "sgd") {
    return std::make_unique<Sgd>(base, SgdOptions{keys.number("weight_decay", 0)});
  }
  if (name == "adagrad") {
    AdagradOptions options;
    options.lr_decay = keys.number("lr_decay", options.lr_decay);
    options.weight_decay = keys.number("weight_decay", options.weight_decay);
    options.initial_accumulator_value =
        keys.number("initial_accumulator_value", options.initial_accumulator_value);
    options.eps = keys.number("eps", options.eps);
    return std::make_unique<Adagrad>(base, options);
  }
  if (name == "rowwise_adagrad") {
    RowwiseAdagradOptions options;
    options.initial_accumulator_value =
        keys.number("initial_accumulator_value", options.initial_accumulator_value);
    options.eps = keys.number("eps", options.eps);
    return std::make_unique<RowwiseAdagrad>(base, options);
  }
  if (name == "adam" || name == "adamw" || name == "adamw_tf") {
    const AdamVariant variant = name == "adam"    ? AdamVariant::Adam
                                : name == "adamw" ? AdamVariant::AdamW
                                                  : AdamVariant::AdamWTF;
    AdamOptions options;
    options.beta1 = keys.number("beta1", options.beta1);
    options.beta2 = keys.number("beta2", options.beta2);
    options.eps = keys.number("eps", options.eps);
    // torch's AdamW decays by 0.01 unless told otherwise; Adam and RecIS's adamw_tf by 0.
    options.weight_decay = keys.number("weight_decay", name == "adamw" ? 0.01 : 0.0);
    return std::make_unique<Adam>(base, options, variant);
  }
  if (name == "ftrl") {
    FtrlOptions options;
    options.lr_power = keys.number("lr_power", options.lr_power);
    options.l1 = keys.number("l1", options.l1);
    options.l2 = keys.number("l2", options.l2);
    options.beta = keys.number("beta", options.beta);
    options.initial_accumulator_value =
        keys.number("initial_accumulator_value", options.initial_accumulator_value);
    return std::make_unique<Ftrl>(base, options);
  }
  keys.fail("unknown optimizer name '" + name +
            "' (known: sgd, adagrad, rowwise_adagrad, adam, adamw, adamw_tf, ftrl)");
}

std::unique_ptr<torch::optim::Optimizer> build_dense(ConfigKeys& keys, const std::string& name,
                                                     std::vector<torch::Tensor> params) {
  if (name == "sgd") {
    auto options = torch::optim::SGDOptions(keys.number("lr", 0.01));
    options.momentum(keys.number("momentum", 0));
    options.weight_decay(keys.number("weight_decay", 0));
    return std::make_unique<torch::optim::SGD>(std::move(params), options);
  }
  if (name == "adam") {
    torch::optim::AdamOptions options(keys.number("lr", 1e-3));
    options.betas({keys.number("beta1", 0.9), keys.number("beta2", 0.999)});
    options.eps(keys.number("eps", 1e-8));
    options.weight_decay(keys.number("weight_decay", 0));
    return std::make_unique<torch::optim::Adam>(std::move(params), options);
  }
  if (name == "adamw") {
    torch::optim::AdamWOptions options(keys.number("lr", 1e-3));
    options.betas({keys.number("beta1", 0.9), keys.number("beta2", 0.999)});
    options.eps(keys.number("eps", 1e-8));
    options.weight_decay(keys.number("weight_decay", 1e-2));
    return std::make_unique<torch::optim::AdamW>(std::move(params), options);
  }
  if (name == "adagrad") {
    torch::optim::AdagradOptions options(keys.number("lr", 1e-2));
    options.lr_decay(keys.number("lr_decay", 0));
    options.weight_decay(keys.number("weight_decay", 0));
    options.initial_accumulator_value(keys.number("initial_accumulator_value", 0));
    options.eps(keys.number("eps", 1e-10));
    return std::make_unique<torch::optim::Adagrad>(std::move(params), options);
  }
  keys.fail("unknown optimizer name '" + name + "' (known: sgd, adam, adamw, adagrad)");
}

}  // namespace

std::unique_ptr<SparseOptimizer> make_sparse_optimizer(const toml::table& config,
                                                       int64_t world_size, std::size_t threads,
                                                       const std::string& context) {
  ConfigKeys keys(config, context);
  const std::string name =
      required_name(keys, "sgd, adagrad, rowwise_adagrad, adam, adamw, adamw_tf, ftrl");
  SparseOptimizerOptions base;
  base.lr = keys.number("lr", base.lr);
  base.reduction.world_size = world_size;
  base.threads = threads;
  keys.skip("schedule");
  try {
    base.reduction.by = parse_grad_reduce(keys.string("grad_reduce_by", "worker"));
    auto optimizer = build_sparse(keys, name, base);
    keys.check_all_read();
    return optimizer;
  } catch (const ConfigError& error) {
    if (std::string_view(error.what()).starts_with(context)) throw;  // from keys, has context
    keys.fail(error.what());
  }
}

std::unique_ptr<torch::optim::Optimizer> make_dense_optimizer(const toml::table& config,
                                                              std::vector<torch::Tensor> params,
                                                              const std::string& context) {
  ConfigKeys keys(config, context);
  const std::string name = required_name(keys, "sgd, adam, adamw, adagrad");
  keys.skip("schedule");
  try {
    auto optimizer = build_dense(keys, name, std::move(params));
    keys.check_all_read();
    return optimizer;
  } catch (const c10::Error& error) {
    keys.fail(error.what_without_backtrace());
  }
}

}  // namespace recis::optim

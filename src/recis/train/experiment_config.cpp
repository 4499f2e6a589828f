#include "recis/train/experiment_config.h"

#include "recis/common/config_table.h"
#include "recis/common/error.h"
#include "recis/feature/feature_config.h"
#include "recis/train/config_overrides.h"

namespace recis::train {
namespace {

std::vector<std::filesystem::path> paths(ConfigTable& table, std::string_view key) {
  std::vector<std::filesystem::path> out;
  if (!table.has(key)) return out;
  for (const std::string& path : table.strings(key)) out.emplace_back(path);
  return out;
}

DataConfig read_data(ConfigTable table) {
  DataConfig data;
  data.train_paths = paths(table, "train");
  if (data.train_paths.empty()) table.fail("train", "expected at least one training path");
  data.eval_paths = paths(table, "eval");
  data.batch_size = table.integer_at_least("batch_size", data.batch_size, 1);
  data.eval_batch_size = table.integer_at_least("eval_batch_size", 0, 0);
  data.read_threads = static_cast<std::size_t>(table.integer_at_least("read_threads", 0, 0));
  data.prefetch = static_cast<std::size_t>(table.integer_at_least("prefetch", 4, 1));
  data.shuffle = table.boolean_or("shuffle", false);
  data.label = table.string_or("label", data.label);
  if (table.has("dense")) data.dense = table.strings("dense");
  if (table.has("sparse")) data.sparse = table.strings("sparse");
  data.sparse_hash = table.string_or("sparse_hash", data.sparse_hash);
  if (data.sparse_hash != "none" && data.sparse_hash != "farm" && data.sparse_hash != "murmur") {
    table.fail("sparse_hash", "expected none, farm or murmur, got '" + data.sparse_hash + "'");
  }
  data.group = table.string_or("group", "");
  table.check_all_read();
  return data;
}

TrainConfig read_train(ConfigTable table) {
  TrainConfig train;
  train.epochs = table.integer_at_least("epochs", train.epochs, 1);
  train.max_steps = table.integer_at_least("max_steps", 0, 0);
  train.grad_accum = table.integer_at_least("grad_accum", 1, 1);
  train.eval_every = table.integer_at_least("eval_every", 0, 0);
  train.eval_steps = table.integer_at_least("eval_steps", 0, 0);
  train.log_every = table.integer_at_least("log_every", train.log_every, 1);
  train.evict_every = table.integer_at_least("evict_every", 0, 0);
  train.early_stop_patience = table.integer_at_least("early_stop_patience", 0, 0);
  train.clip_norm = table.number_or("clip_norm", 0.0);
  if (train.clip_norm < 0) table.fail("clip_norm", "expected a number >= 0 (0 = off)");
  train.seed = static_cast<uint64_t>(table.integer_at_least("seed", 0, 0));
  train.bf16 = table.boolean_or("bf16", false);
  train.pipeline = table.boolean_or("pipeline", train.pipeline);
  const std::string nonfinite = table.string_or("nonfinite", "error");
  if (nonfinite == "skip_batch") {
    train.nonfinite = NonfinitePolicy::SkipBatch;
  } else if (nonfinite != "error") {
    table.fail("nonfinite", "expected \"error\" or \"skip_batch\", got \"" + nonfinite + "\"");
  }
  train.nonfinite_checkpoint = table.boolean_or("nonfinite_checkpoint", false);
  train.profile = table.string_or("profile", "");
  train.output = table.string_or("output", train.output.string());
  train.checkpoint_every = table.integer_at_least("checkpoint_every", 0, 0);
  train.checkpoint_at_end = table.boolean_or("checkpoint_at_end", train.checkpoint_at_end);
  train.keep_checkpoints = static_cast<std::size_t>(
      table.integer_at_least("keep_checkpoints", static_cast<int64_t>(train.keep_checkpoints), 0));
  table.check_all_read();
  return train;
}

DistConfig read_dist(ConfigTable table) {
  DistConfig dist;
  dist.timeout_s = table.number_or("timeout_s", dist.timeout_s);
  if (!(dist.timeout_s > 0)) table.fail("timeout_s", "expected a number of seconds > 0");
  table.check_all_read();
  return dist;
}

embedding::InitializerSpec read_initializer(ConfigTable table) {
  embedding::InitializerSpec spec;
  const std::string kind = table.string("kind");
  try {
    spec.kind = embedding::parse_init_kind(kind);
  } catch (const ConfigError& error) {
    table.fail("kind", error.what());
  }
  spec.value = table.number_or("value", spec.value);
  spec.low = table.number_or("low", spec.low);
  spec.high = table.number_or("high", spec.high);
  spec.mean = table.number_or("mean", spec.mean);
  spec.stddev = table.number_or("stddev", spec.stddev);
  spec.lower = table.number_or("lower", spec.lower);
  spec.upper = table.number_or("upper", spec.upper);
  spec.gain = table.number_or("gain", spec.gain);
  spec.fan_in = table.number_or("fan_in", spec.fan_in);
  spec.fan_out = table.number_or("fan_out", spec.fan_out);
  const std::string fan_mode = table.string_or("fan_mode", "fan_in");
  if (fan_mode != "fan_in" && fan_mode != "fan_out") {
    table.fail("fan_mode", "expected fan_in or fan_out, got '" + fan_mode + "'");
  }
  spec.kaiming_fan_out = fan_mode == "fan_out";
  table.check_all_read();
  return spec;
}

// The RAM budget keys of an [[embedding]] entry or of [embedding_defaults]; `fallback` is what
// an entry without them gets.
embedding::MemoryBudget read_memory_budget(ConfigTable& table, embedding::MemoryBudget fallback) {
  if (!table.has("memory") && !table.has("memory_rows") && !table.has("disk_path") &&
      !table.has("spill")) {
    return fallback;
  }
  embedding::MemoryBudget budget;
  try {
    if (table.has("memory")) {
      budget.bytes = embedding::parse_byte_size(table.string("memory"), table.key_path("memory"));
    }
    budget.rows = static_cast<std::size_t>(table.integer_at_least("memory_rows", 0, 0));
    budget.disk_path = table.string_or("disk_path", "");
    budget.spill = embedding::parse_spill_policy(table.string_or("spill", "lru"),
                                                 table.key_path("spill"));
  } catch (const ConfigError& error) {
    throw ConfigError(table.source() + ": " + error.what());
  }
  if (!budget.set() && (!budget.disk_path.empty() || table.has("spill"))) {
    table.fail("memory", "disk_path and spill need a budget: memory = \"8GiB\" or memory_rows = N");
  }
  return budget;
}

// One [[embedding]] entry: the options of one feature or of a group sharing them.
void read_embedding(ConfigTable table, const embedding::MemoryBudget& default_budget,
                    std::vector<embedding::EmbeddingOptions>& out) {
  std::vector<std::string> names;
  if (table.has("features")) names = table.strings("features");
  if (table.has("name")) names.push_back(table.string("name"));
  if (names.empty()) table.fail("features", "expected name = \"...\" or features = [...]");
  const std::string suffix = table.string_or("suffix", "");
  embedding::EmbeddingOptions options;
  options.dim = static_cast<std::size_t>(table.integer_at_least("dim", 8, 1));
  try {
    options.combiner = embedding::parse_combiner(table.string_or("combiner", "sum"),
                                                 table.key_path("combiner"));
    options.dtype = embedding::parse_element_type(table.string_or("dtype", "fp32"));
  } catch (const ConfigError& error) {
    throw ConfigError(table.source() + ": " + error.what());
  }
  options.tile_len = static_cast<std::size_t>(table.integer_at_least("tile_len", 0, 0));
  options.shared_name = table.string_or("shared_name", "");
  options.trainable = table.boolean_or("trainable", true);
  if (table.has("initializer")) {
    options.initializer = read_initializer(table.table("initializer"));
  } else {
    options.initializer.low = -0.05;
    options.initializer.high = 0.05;
  }
  if (table.has("admission")) {
    ConfigTable admission = table.table("admission");
    options.admission.mode = embedding::AdmissionMode::CountThreshold;
    options.admission.threshold =
        static_cast<uint32_t>(admission.integer_at_least("threshold", 2, 1));
    if (options.admission.threshold > 255) admission.fail("threshold", "expected at most 255");
    options.admission.filter_counters = static_cast<std::size_t>(
        admission.integer_at_least("counters", int64_t{1} << 22, 1024));
    options.admission.filter_hashes =
        static_cast<int>(admission.integer_at_least("hashes", 4, 1));
    admission.check_all_read();
  }
  if (table.has("eviction")) {
    ConfigTable eviction = table.table("eviction");
    options.eviction.ttl_steps = eviction.integer_at_least("ttl_steps", 0, 0);
    options.eviction.max_rows =
        static_cast<std::size_t>(eviction.integer_at_least("max_rows", 0, 0));
    eviction.check_all_read();
  }
  options.memory = read_memory_budget(table, default_budget);
  table.check_all_read();
  for (const std::string& name : names) {
    embedding::EmbeddingOptions feature = options;
    feature.name = name + suffix;
    feature.input = name;
    try {
      embedding::validate(feature);
    } catch (const ConfigError& error) {
      throw ConfigError(table.source() + ": " + table.path() + ": " + error.what());
    }
    out.push_back(std::move(feature));
  }
}

toml::table optional_table(ConfigTable& root, std::string_view key) {
  if (!root.has(key)) return {};
  return root.table(key).raw();
}

}  // namespace

ExperimentConfig parse_experiment_config(std::string_view text, const std::string& source,
                                         const std::vector<std::string>& overrides) {
  toml::table document = parse_toml(text, source);
  for (const std::string& assignment : overrides) apply_override(document, assignment);

  ConfigTable root(document, source, "");
  ExperimentConfig config;
  config.source = source;
  config.data = read_data(root.table("data"));
  config.train = root.has("train") ? read_train(root.table("train")) : TrainConfig{};
  config.dist = root.has("dist") ? read_dist(root.table("dist")) : DistConfig{};
  if (root.has("features")) config.features = feature::features_from_config(root.tables("features"));
  embedding::MemoryBudget default_budget;
  if (root.has("embedding_defaults")) {
    ConfigTable defaults = root.table("embedding_defaults");
    default_budget = read_memory_budget(defaults, {});
    defaults.check_all_read();
  }
  if (root.has("embedding")) {
    for (ConfigTable& table : root.tables("embedding")) {
      read_embedding(table, default_budget, config.embeddings);
    }
  }
  config.model = root.table("model").raw();
  config.sparse_optimizer = optional_table(root, "sparse_optimizer");
  config.dense_optimizer = optional_table(root, "dense_optimizer");
  root.check_all_read();
  return config;
}

ExperimentConfig load_experiment_config(const std::filesystem::path& path,
                                        const std::vector<std::string>& overrides) {
  return parse_experiment_config(read_config_file(path, "experiment config"), path.string(),
                                 overrides);
}

}  // namespace recis::train

#include "recis/io/orc_dataset_options.h"

#include <cstdlib>
#include <set>

#include "recis/common/error.h"

namespace recis::io {
namespace {

std::size_t env_count(const char* name, std::size_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (*end != '\0' || text[0] == '-') {
    throw ConfigError(std::string("environment variable ") + name + "='" + text +
                      "' is not a non-negative integer");
  }
  return static_cast<std::size_t>(value);
}

}  // namespace

OrcDatasetOptions::OrcDatasetOptions()
    : worker_idx(env_count("RANK", 0)), worker_num(env_count("WORLD_SIZE", 1)) {}

OrcDatasetOptions& OrcDatasetOptions::fixedlen(std::string name, std::vector<double> default_value) {
  ColumnSpec spec;
  spec.name = std::move(name);
  spec.kind = ColumnKind::FixedLen;
  spec.default_value = std::move(default_value);
  columns.push_back(std::move(spec));
  return *this;
}

OrcDatasetOptions& OrcDatasetOptions::varlen(std::string name, HashKind hash, std::uint64_t bucket) {
  ColumnSpec spec;
  spec.name = std::move(name);
  spec.kind = ColumnKind::VarLen;
  spec.hash = hash;
  spec.bucket = bucket;
  columns.push_back(std::move(spec));
  return *this;
}

void OrcDatasetOptions::validate() const {
  const std::string what = "orc dataset: ";
  if (paths.empty()) throw ConfigError(what + "no paths given");
  if (batch_size <= 0) throw ConfigError(what + "batch_size must be positive, got " + std::to_string(batch_size));
  if (worker_num == 0) throw ConfigError(what + "worker_num (WORLD_SIZE) must be at least 1");
  if (worker_idx >= worker_num) {
    throw ConfigError(what + "worker_idx (RANK) " + std::to_string(worker_idx) + " must be below worker_num " +
                      std::to_string(worker_num));
  }
  if (epochs == 0) throw ConfigError(what + "epochs must be at least 1");
  if (float_dtype != torch::kFloat32 && float_dtype != torch::kFloat64) {
    throw ConfigError(what + "float_dtype must be float32 or float64");
  }
  if (columns.empty()) throw ConfigError(what + "declare at least one column (fixedlen or varlen)");
  std::set<std::string> names;
  for (const ColumnSpec& spec : columns) {
    if (!names.insert(spec.name).second) throw ConfigError(what + "column '" + spec.name + "' is declared twice");
    if (spec.kind == ColumnKind::FixedLen && spec.default_value.empty()) {
      throw ConfigError(what + "fixedlen column '" + spec.name + "' needs a default with at least one value");
    }
  }
}

}  // namespace recis::io

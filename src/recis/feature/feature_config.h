// Features from TOML (the format is documented in docs/features.md):
//   [[features]]
//   name = "c1"
//   ops = [{ op = "select", column = "c1" }, { op = "hash", kind = "farm" },
//          { op = "mod", m = 1000003 }]
// Every problem (syntax, unknown op or key, wrong type, bad value) throws ConfigError naming the
// source and the key's path (features[0].ops[1] (mod).m). Called by the CLI, models and tests. Pure functions, thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "recis/common/config_table.h"
#include "recis/feature/feature.h"

namespace recis::feature {

// The [[features]] tables of a larger config (the experiment config reads them this way).
std::vector<Feature> features_from_config(std::vector<ConfigTable> tables);

// `source` names the text in errors (a file name).
std::vector<Feature> features_from_toml(std::string_view text,
                                        const std::string& source = "<features>");
std::vector<Feature> features_from_toml_file(const std::filesystem::path& path);

}  // namespace recis::feature

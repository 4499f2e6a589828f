// Config overrides: `--set key=value` on the command line. The key is a dotted path into the TOML
// document (`train.epochs`, `model.hidden`, `embedding[1].dim` for the second [[embedding]]);
// the value is parsed as a TOML value (`3`, `0.5`, `true`, `[64, 32]`, `"text"`) and, when it is
// not valid TOML, taken as a bare string. Missing tables on the path are created.
// Called by load_experiment_config. Thread-safety: pure function of its arguments.
#pragma once

#include <string>
#include <vector>

namespace toml {
inline namespace v3 {
class table;
}  // namespace v3
}  // namespace toml

namespace recis::train {

// Throws ConfigError naming the override when it has no '=' or its path crosses a non-table.
void apply_override(toml::table& root, const std::string& assignment);

}  // namespace recis::train

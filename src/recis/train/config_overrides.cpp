#include "recis/train/config_overrides.h"

#include <toml++/toml.h>

#include <charconv>

#include "recis/common/error.h"

namespace recis::train {
namespace {

// "name" or "name[3]".
struct PathStep {
  std::string key;
  std::optional<std::size_t> index;
};

std::vector<PathStep> split_path(const std::string& path, const std::string& assignment) {
  std::vector<PathStep> steps;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = std::min(path.find('.', start), path.size());
    std::string part = path.substr(start, dot - start);
    PathStep step;
    const std::size_t bracket = part.find('[');
    if (bracket != std::string::npos) {
      std::size_t index = 0;
      const char* first = part.data() + bracket + 1;
      const char* last = part.data() + part.size() - 1;
      if (part.back() != ']' || std::from_chars(first, last, index).ptr != last) {
        throw ConfigError("--set " + assignment + ": bad index in '" + part + "'");
      }
      step.index = index;
      part.resize(bracket);
    }
    if (part.empty()) throw ConfigError("--set " + assignment + ": empty key in '" + path + "'");
    step.key = std::move(part);
    steps.push_back(std::move(step));
    start = dot + 1;
  }
  return steps;
}

// The TOML value `text` spells, or `text` itself as a string when it is not TOML.
toml::table parse_value(const std::string& text) {
  try {
    return toml::parse("value = " + text);
  } catch (const toml::parse_error&) {
    return toml::table{{"value", text}};
  }
}

}  // namespace

void apply_override(toml::table& root, const std::string& assignment) {
  const std::size_t equals = assignment.find('=');
  if (equals == std::string::npos) {
    throw ConfigError("--set " + assignment + ": expected key=value");
  }
  const std::string path = assignment.substr(0, equals);
  const std::vector<PathStep> steps = split_path(path, assignment);
  toml::table* table = &root;
  for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
    const PathStep& step = steps[i];
    toml::node* node = table->get(step.key);
    if (!node) node = &table->insert_or_assign(step.key, toml::table{}).first->second;
    if (step.index) {
      toml::array* array = node->as_array();
      if (!array || *step.index >= array->size() || !(*array)[*step.index].is_table()) {
        throw ConfigError("--set " + assignment + ": '" + step.key + "' has no table at index " +
                          std::to_string(*step.index));
      }
      node = array->get(*step.index);
    }
    table = node->as_table();
    if (!table) {
      throw ConfigError("--set " + assignment + ": '" + step.key + "' is not a table");
    }
  }
  const PathStep& last = steps.back();
  if (last.index) {
    throw ConfigError("--set " + assignment + ": the last key cannot be indexed");
  }
  const toml::table value = parse_value(assignment.substr(equals + 1));
  value.get("value")->visit([&](const auto& node) { table->insert_or_assign(last.key, node); });
}

}  // namespace recis::train

#include "recis/embedding/table_merging.h"

#include <map>
#include <set>
#include <sstream>

#include "recis/common/error.h"
#include "recis/common/hash.h"
#include "recis/embedding/core/child_id.h"

namespace recis::embedding {
namespace {

// Everything a physical table fixes except its name: features agreeing on it may share a table.
std::string table_key(const EmbeddingOptions& o) {
  const InitializerSpec& i = o.initializer;
  std::ostringstream key;
  key.precision(17);
  key << o.dim << '|' << element_type_name(o.dtype) << '|' << static_cast<int>(i.kind) << ','
      << i.value << ',' << i.low << ',' << i.high << ',' << i.mean << ',' << i.stddev << ','
      << i.lower << ',' << i.upper << ',' << i.gain << ',' << i.fan_in << ',' << i.fan_out << ','
      << i.kaiming_fan_out << '|' << static_cast<int>(o.admission.mode) << ','
      << o.admission.threshold << ',' << o.admission.filter_counters << ','
      << o.admission.filter_hashes << '|' << o.eviction.ttl_steps << ','
      << o.eviction.max_rows << '|' << o.trainable << '|' << o.memory.bytes << ','
      << o.memory.rows << ',' << static_cast<int>(o.memory.spill) << ','
      << o.memory.disk_path.string();
  return key.str();
}

TableOptions table_options_of(const EmbeddingOptions& o, uint64_t seed) {
  TableOptions options;
  options.seed = seed;
  options.dim = o.dim;
  options.element_type = o.dtype;
  options.initializer = o.initializer;
  options.admission = o.admission;
  options.eviction = o.eviction;
  return options;
}

}  // namespace

int64_t table_id_of(const std::string& shared_name) {
  return static_cast<int64_t>(farm_fingerprint64(shared_name) >> 1);
}

MergePlan plan_tables(const std::vector<EmbeddingOptions>& features, uint64_t seed, bool merge) {
  std::set<std::string> names;
  std::map<std::string, std::string> child_keys;   // shared name -> its table key
  std::vector<std::string> children;                // shared names, first-seen order
  for (const EmbeddingOptions& feature : features) {
    validate(feature);
    if (!names.insert(feature.name).second) {
      throw ConfigError("embedding '" + feature.name + "': defined twice");
    }
    const std::string key = table_key(feature);
    auto [it, inserted] = child_keys.emplace(feature.table_name(), key);
    if (inserted) {
      children.push_back(feature.table_name());
    } else if (it->second != key) {
      throw ConfigError("embedding '" + feature.name + "': shares rows with shared_name '" +
                        feature.table_name() +
                        "' but differs from it in dim, dtype, initializer, admission, eviction, "
                        "trainable or memory budget");
    }
  }

  MergePlan plan;
  std::map<std::string, std::size_t> table_of_key;
  std::map<std::string, std::pair<std::size_t, int64_t>> placement_of_child;
  for (const std::string& child : children) {
    const std::string& key = child_keys.at(child);
    auto found = merge ? table_of_key.find(key) : table_of_key.end();
    if (found == table_of_key.end() ||
        plan.tables[found->second].children.size() == static_cast<std::size_t>(kMaxChildren)) {
      table_of_key[key] = plan.tables.size();
      plan.tables.emplace_back();
      found = table_of_key.find(key);
    }
    PhysicalTablePlan& table = plan.tables[found->second];
    placement_of_child[child] = {found->second, static_cast<int64_t>(table.children.size())};
    table.children.push_back(child);
  }
  std::set<std::string> budgeted_children;
  for (const EmbeddingOptions& feature : features) {
    const auto [table, child] = placement_of_child.at(feature.table_name());
    plan.features.push_back({table, child});
    PhysicalTablePlan& physical = plan.tables[table];
    physical.options = table_options_of(feature, seed);
    physical.trainable = feature.trainable;
    if (budgeted_children.insert(feature.table_name()).second) {
      physical.memory.bytes += feature.memory.bytes;
      physical.memory.rows += feature.memory.rows;
      physical.memory.spill = feature.memory.spill;
      physical.memory.disk_path = feature.memory.disk_path;
    }
  }
  std::map<std::string, int> merged_count;
  for (PhysicalTablePlan& table : plan.tables) {
    if (table.children.size() == 1) {
      table.name = table.children.front();
      table.options.table_id = table_id_of(table.name);
      continue;
    }
    const std::string prefix = "merged_d" + std::to_string(table.options.dim) + "_" +
                               std::string(element_type_name(table.options.element_type));
    table.name = prefix + "_" + std::to_string(merged_count[prefix]++);
    table.options.table_id = table_id_of(table.name);
    for (const std::string& child : table.children) {
      table.options.child_table_ids.push_back(table_id_of(child));
    }
  }
  return plan;
}

}  // namespace recis::embedding

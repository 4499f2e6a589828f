// Table merging: which features share one physical table. Features with the same shared_name are
// one child (they read the same rows) and must agree on every table option. Children whose dim,
// dtype, initializer, admission, eviction and trainability agree are merged into one physical
// table (when merging is on), their ids carrying the child index in the top 12 bits (child_id.h),
// so each merged table needs one dedup + lookup + combine pass per batch.
// Every child's rows are initialized keyed by a table id derived from its shared_name, so merged
// and separate tables start from identical rows. Called by embedding::Engine at construction.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "recis/embedding/core/table_options.h"
#include "recis/embedding/embedding_options.h"

namespace recis::embedding {

struct PhysicalTablePlan {
  std::string name;                   // the child's name, or "merged_d<dim>_<dtype>_<k>"
  TableOptions options;               // without optimizer slots (the engine adds them)
  // The children's RAM budgets added up; the engine turns it into options.tier once it knows the
  // row size (with slots).
  MemoryBudget memory;
  std::vector<std::string> children;  // shared names; a child's index is its position
  bool trainable = true;
};

struct FeaturePlacement {
  std::size_t table = 0;  // index into MergePlan::tables
  int64_t child = 0;      // index into that table's children
};

struct MergePlan {
  std::vector<PhysicalTablePlan> tables;
  std::vector<FeaturePlacement> features;  // one per option, in order
};

// The table id a shared name's rows are keyed by (non-negative, stable across runs).
int64_t table_id_of(const std::string& shared_name);

// Validates every option; throws ConfigError naming the feature for a bad option, a duplicate
// output name, or two features of one shared_name that disagree on a table option.
MergePlan plan_tables(const std::vector<EmbeddingOptions>& features, uint64_t seed, bool merge);

}  // namespace recis::embedding

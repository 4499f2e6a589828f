#include "recis/datagen/criteo_batch.h"

#include "recis/datagen/criteo_layout.h"
#include "recis/datagen/criteo_row.h"

namespace recis::datagen {
namespace {

orc::ListVector& list_field(orc::ColumnVector& root, std::size_t field) {
  return static_cast<orc::ListVector&>(*static_cast<orc::StructVector&>(root).fields[field]);
}

void push_ids(orc::ListVector& list, std::size_t column, const std::uint64_t* ranks,
              std::size_t count) {
  auto& ids = static_cast<orc::LongVector&>(*list.elements);
  for (std::size_t k = 0; k < count; ++k) ids.values.push_back(categorical_id(column, ranks[k]));
  ids.num_rows = ids.values.size();
  list.offsets.push_back(static_cast<std::int64_t>(ids.values.size()));
  list.append_presence(true);
}

// One [item id, cluster id] list per history item.
void push_steps(orc::ListVector& steps, const std::uint64_t* ranks, std::size_t count) {
  auto& step = static_cast<orc::ListVector&>(*steps.elements);
  auto& ids = static_cast<orc::LongVector&>(*step.elements);
  for (std::size_t k = 0; k < count; ++k) {
    ids.values.push_back(categorical_id(kSequenceSourceColumn, ranks[k]));
    ids.values.push_back(hist_cluster_id(ranks[k] / kHistClusterSize));
    step.offsets.push_back(static_cast<std::int64_t>(ids.values.size()));
    step.append_presence(true);
  }
  ids.num_rows = ids.values.size();
  steps.offsets.push_back(static_cast<std::int64_t>(step.offsets.size() - 1));
  steps.append_presence(true);
}

void push_reals(orc::ListVector& list, const double* values, std::size_t count) {
  auto& reals = static_cast<orc::DoubleVector&>(*list.elements);
  reals.values.insert(reals.values.end(), values, values + count);
  reals.num_rows = reals.values.size();
  list.offsets.push_back(static_cast<std::int64_t>(reals.values.size()));
  list.append_presence(true);
}

void push_null(orc::ListVector& list) {
  list.offsets.push_back(list.offsets.back());
  list.append_presence(false);
}

}  // namespace

CriteoBatch::CriteoBatch(bool with_sequence)
    : schema_(criteo_schema(with_sequence)),
      with_sequence_(with_sequence),
      root_(orc::make_column_vector(schema_)) {}

void CriteoBatch::append(const CriteoRow& row) {
  for (std::size_t c = 0; c < kCategoricalColumns; ++c) {
    push_ids(list_field(*root_, c), c, row.ranks.data() + row.rank_offsets[c], row.num_ids(c));
  }
  for (std::size_t j = 0; j < kNumericColumns; ++j) {
    auto& list = list_field(*root_, kCategoricalColumns + j);
    switch (row.numeric_state[j]) {
      case NumericState::Present:
        push_reals(list, &row.numeric_value[j], 1);
        break;
      case NumericState::Empty:
        push_reals(list, nullptr, 0);
        break;
      case NumericState::Null:
        push_null(list);
        break;
    }
  }
  const double label = row.label ? 1.0 : 0.0;
  push_reals(list_field(*root_, kCategoricalColumns + kNumericColumns), &label, 1);
  if (with_sequence_) {
    push_ids(list_field(*root_, kCategoricalColumns + kNumericColumns + 1), kSequenceSourceColumn,
             row.hist_ranks.data(), row.hist_ranks.size());
    push_steps(list_field(*root_, kCategoricalColumns + kNumericColumns + 2),
               row.hist_ranks.data(), row.hist_ranks.size());
  }
  ++root_->num_rows;
}

void CriteoBatch::clear() { root_->clear(); }

}  // namespace recis::datagen

#include "recis/datagen/criteo_layout.h"

#include <array>
#include <cmath>
#include <vector>

#include "recis/datagen/counter_random.h"

namespace recis::datagen {
namespace {

// Vocabulary of column c is round(10^(1 + k/5)) for k = kVocabularyStep[c]: every size from 10
// to 1M once, shuffled so that neighbouring columns differ (c1 holds 10^4 ids).
constexpr std::array<int, 26> kVocabularyStep = {15, 8,  22, 3, 12, 0,  18, 6, 25, 10, 14, 1,  20,
                                                 5,  23, 9,  2, 17, 11, 24, 4, 19, 7,  21, 13, 16};
constexpr std::size_t kFirstMultiValued = 23;  // c24, c25 and c26 hold 1..5 ids a row
constexpr int kMaxMultiIds = 5;
constexpr std::array<double, 4> kCategoricalMissing = {0.0, 0.03, 0.0, 0.15};  // by column % 4
constexpr std::array<double, 13> kNumericMissing = {0.0, 0.05, 0.2, 0.1, 0.0, 0.25, 0.05,
                                                    0.0, 0.15, 0.1, 0.0, 0.2, 0.05};

std::vector<CategoricalColumn> make_categorical_columns() {
  std::vector<CategoricalColumn> columns;
  for (std::size_t c = 0; c < kVocabularyStep.size(); ++c) {
    const double size = std::round(std::pow(10.0, 1.0 + kVocabularyStep[c] / 5.0));
    columns.push_back({"c" + std::to_string(c + 1), static_cast<std::uint64_t>(size),
                       c >= kFirstMultiValued ? kMaxMultiIds : 1, kCategoricalMissing[c % 4]});
  }
  return columns;
}

std::vector<NumericColumn> make_numeric_columns() {
  std::vector<NumericColumn> columns;
  for (std::size_t j = 0; j < kNumericMissing.size(); ++j) {
    columns.push_back({"i" + std::to_string(j + 1), 0.5 + 0.4 * static_cast<double>(j),
                       1.0 + 0.05 * static_cast<double>(j), kNumericMissing[j]});
  }
  return columns;
}

}  // namespace

std::span<const CategoricalColumn> categorical_columns() {
  static const std::vector<CategoricalColumn> columns = make_categorical_columns();
  return columns;
}

std::span<const NumericColumn> numeric_columns() {
  static const std::vector<NumericColumn> columns = make_numeric_columns();
  return columns;
}

std::int64_t categorical_id(std::size_t column, std::uint64_t rank) {
  return static_cast<std::int64_t>(hash_key(0x43726974656f4964ULL, column, rank) >> 1);
}

std::int64_t hist_cluster_id(std::uint64_t cluster) {
  return categorical_id(categorical_columns().size(), cluster);
}

orc::Type criteo_schema(bool with_sequence) {
  std::string schema = "struct<";
  for (const auto& column : categorical_columns()) schema += column.name + ":array<bigint>,";
  for (const auto& column : numeric_columns()) schema += column.name + ":array<double>,";
  schema += "label:array<double>";
  if (with_sequence) schema += ",hist:array<bigint>,hist_steps:array<array<bigint>>";
  return orc::Type::parse(schema + ">");
}

}  // namespace recis::datagen

// generate_criteo: schema, row counts across parts, determinism (same seed -> identical bytes;
// 1 part and 3 parts -> the same rows in order), the files hold exactly CriteoSource's rows,
// vocabulary bounds, ids per row, missing numerics, positive rate and Bayes-optimal AUC (against
// exact_auc over the source's probabilities), the sequence column and option errors.
#include "recis/datagen/criteo_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "recis/common/error.h"
#include "recis/common/exact_auc.h"
#include "recis/datagen/criteo_layout.h"
#include "recis/datagen/criteo_source.h"
#include "recis/orc/reader.h"
#include "support/test_support.h"

namespace recis::datagen {
namespace {

using recis::testing::TempDir;

constexpr std::uint64_t kRows = 30000;

CriteoOptions small_options(const std::filesystem::path& dir) {
  return CriteoOptions().with_out_dir(dir).with_rows(kRows).with_seed(11).with_threads(2);
}

const orc::ListVector& list_at(const orc::ColumnVector& batch, std::size_t field) {
  return static_cast<const orc::ListVector&>(
      *static_cast<const orc::StructVector&>(batch).fields[field]);
}

// Every column of every row, in file order, as one line of text per row.
std::vector<std::string> read_rows(const std::vector<std::filesystem::path>& files) {
  std::vector<std::string> rows;
  for (const auto& file : files) {
    auto reader = orc::Reader::open(file);
    auto batch = reader->make_batch();
    while (const std::size_t n = reader->next(*batch, 5000)) {
      const auto& fields = static_cast<const orc::StructVector&>(*batch).fields;
      for (std::size_t r = 0; r < n; ++r) {
        std::string line;
        for (std::size_t f = 0; f < fields.size(); ++f) {
          const auto& list = list_at(*batch, f);
          line += list.is_null(r) ? "null" : "[";
          for (auto k = list.offsets[r]; k < list.offsets[r + 1]; ++k) {
            if (list.elements->kind == orc::TypeKind::Long) {
              line +=
                  std::to_string(static_cast<const orc::LongVector&>(*list.elements).values[k]) +
                  ",";
            } else {
              line +=
                  std::to_string(static_cast<const orc::DoubleVector&>(*list.elements).values[k]) +
                  ",";
            }
          }
          line += "]|";
        }
        rows.push_back(std::move(line));
      }
    }
  }
  return rows;
}

TEST(CriteoGeneratorTest, PartsHoldTheirRowRangesWithTheSchema) {
  TempDir dir;
  const GenerationSummary summary = generate_criteo(small_options(dir.path()).with_parts(3));
  EXPECT_EQ(summary.rows, kRows);
  ASSERT_EQ(summary.files.size(), 3u);
  for (std::size_t p = 0; p < 3; ++p) {
    EXPECT_EQ(summary.files[p], dir / ("part-0000" + std::to_string(p) + ".orc"));
    auto reader = orc::Reader::open(summary.files[p]);
    EXPECT_EQ(reader->schema(), criteo_schema(false));
    EXPECT_EQ(reader->num_rows(), kRows * (p + 1) / 3 - kRows * p / 3);
  }
  std::size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    entries += entry.is_regular_file();
  EXPECT_EQ(entries, 3u);  // no temporary files left behind
}

TEST(CriteoGeneratorTest, SameSeedGivesIdenticalBytesAndPartsDoNotChangeRows) {
  TempDir first, second, three_parts, other_seed;
  const auto a = generate_criteo(small_options(first.path()));
  const auto b = generate_criteo(small_options(second.path()).with_threads(1));
  ASSERT_EQ(a.files.size(), 1u);
  EXPECT_EQ(recis::testing::read_file(a.files[0]), recis::testing::read_file(b.files[0]));
  EXPECT_EQ(a.positives, b.positives);
  EXPECT_EQ(a.bayes_auc, b.bayes_auc);

  const auto c = generate_criteo(small_options(three_parts.path()).with_parts(3));
  EXPECT_EQ(c.positives, a.positives);
  EXPECT_EQ(c.bayes_auc, a.bayes_auc);
  const std::vector<std::string> one = read_rows(a.files);
  ASSERT_EQ(one.size(), kRows);
  EXPECT_EQ(read_rows(c.files), one);

  TempDir three_parts_one_thread;
  const auto e =
      generate_criteo(small_options(three_parts_one_thread.path()).with_parts(3).with_threads(1));
  for (std::size_t p = 0; p < 3; ++p) {
    EXPECT_EQ(recis::testing::read_file(e.files[p]), recis::testing::read_file(c.files[p]))
        << "part " << p;
  }

  const auto d = generate_criteo(small_options(other_seed.path()).with_seed(12));
  EXPECT_NE(read_rows(d.files), one);
}

TEST(CriteoGeneratorTest, FirstRowContinuesTheSameRowSequence) {
  TempDir whole, head, tail;
  const std::vector<std::string> all = read_rows(generate_criteo(small_options(whole.path())).files);
  const std::vector<std::string> first = read_rows(
      generate_criteo(small_options(head.path()).with_rows(kRows - 1000)).files);
  const std::vector<std::string> rest = read_rows(
      generate_criteo(small_options(tail.path()).with_rows(1000).with_first_row(kRows - 1000))
          .files);
  ASSERT_EQ(first.size() + rest.size(), all.size());
  EXPECT_TRUE(std::equal(first.begin(), first.end(), all.begin()));
  EXPECT_TRUE(std::equal(rest.begin(), rest.end(), all.begin() + (kRows - 1000)));
}

TEST(CriteoGeneratorTest, FilesHoldTheSourceRowsWithinVocabularies) {
  TempDir dir;
  const auto summary = generate_criteo(small_options(dir.path()).with_parts(2));
  const CriteoSource source(11, false, 0.25);
  const auto columns = categorical_columns();
  std::vector<std::unordered_set<std::int64_t>> vocabulary(columns.size());
  for (std::size_t c = 0; c < columns.size(); ++c) {
    for (std::uint64_t rank = 0; rank < columns[c].vocabulary; ++rank)
      vocabulary[c].insert(categorical_id(c, rank));
  }
  std::uint64_t index = 0;
  std::vector<std::uint64_t> empty_categorical(columns.size(), 0);
  std::uint64_t null_numerics = 0, empty_numerics = 0;
  CriteoRow expected;
  for (const auto& file : summary.files) {
    auto reader = orc::Reader::open(file);
    auto batch = reader->make_batch();
    while (const std::size_t n = reader->next(*batch, 4096)) {
      for (std::size_t r = 0; r < n; ++r, ++index) {
        source.row(index, expected);
        for (std::size_t c = 0; c < columns.size(); ++c) {
          const auto& list = list_at(*batch, c);
          const auto& ids = static_cast<const orc::LongVector&>(*list.elements).values;
          const auto count = static_cast<std::uint32_t>(list.offsets[r + 1] - list.offsets[r]);
          ASSERT_EQ(count, expected.num_ids(c)) << "row " << index << " column " << columns[c].name;
          ASSERT_LE(count, static_cast<std::uint32_t>(columns[c].max_ids));
          empty_categorical[c] += count == 0;
          for (std::uint32_t k = 0; k < count; ++k) {
            const std::int64_t id = ids[static_cast<std::size_t>(list.offsets[r]) + k];
            ASSERT_EQ(id, categorical_id(c, expected.ranks[expected.rank_offsets[c] + k]));
            ASSERT_TRUE(vocabulary[c].contains(id)) << columns[c].name << " id " << id;
          }
        }
        for (std::size_t j = 0; j < kNumericColumns; ++j) {
          const auto& list = list_at(*batch, kCategoricalColumns + j);
          const auto count = list.offsets[r + 1] - list.offsets[r];
          switch (expected.numeric_state[j]) {
            case NumericState::Present:
              ASSERT_EQ(count, 1);
              ASSERT_EQ(
                  static_cast<const orc::DoubleVector&>(*list.elements).values[list.offsets[r]],
                  expected.numeric_value[j]);
              break;
            case NumericState::Null:
              ASSERT_TRUE(list.is_null(r));
              ++null_numerics;
              break;
            case NumericState::Empty:
              ASSERT_FALSE(list.is_null(r));
              ASSERT_EQ(count, 0);
              ++empty_numerics;
              break;
          }
        }
        const auto& label = list_at(*batch, kCategoricalColumns + kNumericColumns);
        ASSERT_EQ(label.offsets[r + 1] - label.offsets[r], 1);
        ASSERT_EQ(static_cast<const orc::DoubleVector&>(*label.elements).values[label.offsets[r]],
                  expected.label ? 1.0 : 0.0);
      }
    }
  }
  EXPECT_EQ(index, kRows);
  EXPECT_EQ(empty_categorical[0], 0u);          // c1 is never missing
  EXPECT_GT(empty_categorical[3], kRows / 10);  // c4 misses 15%
  EXPECT_GT(null_numerics, 1000u);
  EXPECT_GT(empty_numerics, 1000u);
}

TEST(CriteoGeneratorTest, PositiveRateAndBayesAucMatchTheHiddenModel) {
  TempDir dir;
  const auto summary = generate_criteo(small_options(dir.path()));
  EXPECT_GE(summary.positive_rate, 0.2);
  EXPECT_LE(summary.positive_rate, 0.3);
  EXPECT_NEAR(summary.mean_probability, 0.25, 0.01);
  EXPECT_GE(summary.bayes_auc, 0.68);
  EXPECT_LE(summary.bayes_auc, 0.80);
  EXPECT_EQ(summary.bayes_auc_rows, kRows);

  const CriteoSource source(11, false, 0.25);
  std::vector<float> scores, labels;
  std::uint64_t positives = 0;
  CriteoRow row;
  for (std::uint64_t i = 0; i < kRows; ++i) {
    source.row(i, row);
    scores.push_back(static_cast<float>(row.probability));
    labels.push_back(row.label ? 1.0f : 0.0f);
    positives += row.label;
  }
  EXPECT_EQ(summary.positives, positives);
  EXPECT_DOUBLE_EQ(summary.bayes_auc, exact_auc(scores, labels));
}

TEST(CriteoGeneratorTest, SequenceColumnHoldsC1IdsAndCarriesSignal) {
  TempDir dir;
  const auto summary = generate_criteo(small_options(dir.path()).with_sequence_column(true));
  EXPECT_GE(summary.positive_rate, 0.2);
  EXPECT_LE(summary.positive_rate, 0.3);
  EXPECT_GE(summary.bayes_auc, 0.75);
  EXPECT_LE(summary.bayes_auc, 0.87);
  std::unordered_map<std::int64_t, std::uint64_t> c1_rank;
  for (std::uint64_t rank = 0; rank < categorical_columns()[0].vocabulary; ++rank)
    c1_rank[categorical_id(0, rank)] = rank;
  auto reader = orc::Reader::open(summary.files[0]);
  EXPECT_EQ(reader->schema(), criteo_schema(true));
  auto batch = reader->make_batch();
  std::int64_t longest = 0, empty = 0;
  // Mean share of history items in the target's cluster, for negative [0] and positive [1] rows.
  double share_sum[2] = {0, 0};
  double share_rows[2] = {0, 0};
  while (const std::size_t n = reader->next(*batch, 8192)) {
    const auto& target = list_at(*batch, 0);
    const auto& target_ids = static_cast<const orc::LongVector&>(*target.elements).values;
    const auto& label = list_at(*batch, kCategoricalColumns + kNumericColumns);
    const auto& labels = static_cast<const orc::DoubleVector&>(*label.elements).values;
    const auto& hist = list_at(*batch, kCategoricalColumns + kNumericColumns + 1);
    const auto& hist_ids = static_cast<const orc::LongVector&>(*hist.elements).values;
    for (std::size_t r = 0; r < n; ++r) {
      const std::int64_t length = hist.offsets[r + 1] - hist.offsets[r];
      longest = std::max(longest, length);
      empty += length == 0;
      std::int64_t related = 0;
      for (auto k = hist.offsets[r]; k < hist.offsets[r + 1]; ++k) {
        ASSERT_TRUE(c1_rank.contains(hist_ids[k])) << hist_ids[k];
        related += c1_rank[hist_ids[k]] / kHistClusterSize ==
                   c1_rank[target_ids[target.offsets[r]]] / kHistClusterSize;
      }
      if (length == 0) continue;
      const int positive = labels[label.offsets[r]] > 0.5;
      share_sum[positive] += static_cast<double>(related) / static_cast<double>(length);
      share_rows[positive] += 1;
    }
  }
  EXPECT_EQ(longest, static_cast<std::int64_t>(kMaxSequenceLength));
  EXPECT_GT(empty, 0);
  EXPECT_GT(share_sum[1] / share_rows[1], share_sum[0] / share_rows[0] + 0.05);
}

TEST(CriteoGeneratorTest, HistStepsHoldEachHistItemWithItsCluster) {
  TempDir dir;
  const auto summary = generate_criteo(small_options(dir.path()).with_sequence_column(true));
  std::unordered_map<std::int64_t, std::uint64_t> c1_rank;
  for (std::uint64_t rank = 0; rank < categorical_columns()[0].vocabulary; ++rank)
    c1_rank[categorical_id(0, rank)] = rank;
  auto reader = orc::Reader::open(summary.files[0]);
  auto batch = reader->make_batch();
  std::int64_t items = 0;
  while (const std::size_t n = reader->next(*batch, 8192)) {
    const auto& hist = list_at(*batch, kCategoricalColumns + kNumericColumns + 1);
    const auto& hist_ids = static_cast<const orc::LongVector&>(*hist.elements).values;
    const auto& steps = list_at(*batch, kCategoricalColumns + kNumericColumns + 2);
    const auto& step = static_cast<const orc::ListVector&>(*steps.elements);
    const auto& step_ids = static_cast<const orc::LongVector&>(*step.elements).values;
    for (std::size_t r = 0; r < n; ++r) {
      ASSERT_EQ(steps.offsets[r + 1] - steps.offsets[r], hist.offsets[r + 1] - hist.offsets[r]);
      for (auto k = hist.offsets[r]; k < hist.offsets[r + 1]; ++k) {
        const auto s = steps.offsets[r] + (k - hist.offsets[r]);
        ASSERT_EQ(step.offsets[s + 1] - step.offsets[s], 2);
        EXPECT_EQ(step_ids[step.offsets[s]], hist_ids[k]);
        EXPECT_EQ(step_ids[step.offsets[s] + 1],
                  hist_cluster_id(c1_rank.at(hist_ids[k]) / kHistClusterSize));
        ++items;
      }
    }
  }
  EXPECT_GT(items, 0);
}

TEST(CriteoGeneratorTest, StripeRowsSplitTheFileIntoStripes) {
  TempDir dir;
  CriteoOptions options = small_options(dir.path());
  options.writer.with_stripe_rows(7000).with_compression(orc::proto::NONE);
  const auto summary = generate_criteo(options);
  auto reader = orc::Reader::open(summary.files[0]);
  EXPECT_EQ(reader->num_stripes(), 5u);  // 4 x 7000 + 2000
  EXPECT_EQ(reader->tail().footer().stripes(4).number_of_rows(), 2000u);
}

TEST(CriteoGeneratorTest, BadOptionsAndExistingPartsAreErrors) {
  TempDir dir;
  EXPECT_THROW(generate_criteo(small_options(dir.path()).with_rows(0)), ConfigError);
  EXPECT_THROW(generate_criteo(small_options(dir.path()).with_rows(2).with_parts(3)), ConfigError);
  EXPECT_THROW(generate_criteo(small_options(dir.path()).with_parts(0)), ConfigError);
  EXPECT_THROW(generate_criteo(small_options(dir.path()).with_positive_rate(1.0)), ConfigError);
  EXPECT_THROW(generate_criteo(small_options("")), ConfigError);

  generate_criteo(small_options(dir.path()).with_rows(100).with_parts(3));
  try {
    generate_criteo(small_options(dir.path()).with_rows(100));
    FAIL() << "existing part files were overwritten without overwrite";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("already holds part-0000"), std::string::npos)
        << error.what();
  }
  const auto summary =
      generate_criteo(small_options(dir.path()).with_rows(100).with_overwrite(true));
  EXPECT_EQ(summary.files.size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(dir / "part-00000.orc"));
  EXPECT_FALSE(std::filesystem::exists(dir / "part-00002.orc"));  // stale parts are removed

  const std::filesystem::path file = dir / "not-a-dir";
  { std::ofstream(file) << "x"; }
  EXPECT_THROW(generate_criteo(small_options(file / "sub")), IoError);
}

}  // namespace
}  // namespace recis::datagen

// OrcDataset end to end over files written with our writer: batches equal the rows in order
// (single- and multi-threaded, identical whatever the thread count), drop_remainder, epochs with
// a seeded shuffle, exact resume at every cut point, sharding by file and stripe for 1-4 workers,
// and the errors (missing column, schema difference, unreadable file, bad state).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "io/orc_test_files.h"
#include "recis/common/error.h"
#include "recis/ragged/ragged_rows.h"
#include "support/test_support.h"

namespace recis::io {
namespace {

using recis::testing::TempDir;
using namespace recis::io::testing;

// Every batch of a dataset read to the end.
std::vector<ragged::Batch> read_all(OrcDataset& dataset) {
  std::vector<ragged::Batch> batches;
  while (auto batch = dataset.next()) batches.push_back(std::move(*batch));
  return batches;
}

// The row ids of a batch, checking every column of every row against the rows table.
std::vector<std::int64_t> checked_row_ids(const ragged::Batch& batch) {
  const ragged::Rows2 id_rows = ragged::rows2_of(batch.ragged("id"));
  const ragged::Rows2 id_lists = ragged::rows2_of(batch.ragged("ids"));
  const torch::Tensor vec = batch.dense("vec");
  const torch::Tensor label = batch.dense("label");
  EXPECT_EQ(vec.scalar_type(), torch::kFloat32);
  EXPECT_EQ(vec.sizes(), (std::vector<int64_t>{static_cast<int64_t>(id_rows.size()), 2}));
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < id_rows.size(); ++i) {
    EXPECT_EQ(id_rows[i].size(), 1u);
    const std::int64_t r = id_rows[i].at(0);
    ids.push_back(r);
    EXPECT_EQ(id_lists[i], expected_ids(r)) << "row " << r;
    const auto i64 = static_cast<int64_t>(i);
    EXPECT_EQ(vec[i64][0].item<float>(), static_cast<float>(expected_vec(r)[0])) << "row " << r;
    EXPECT_EQ(vec[i64][1].item<float>(), static_cast<float>(expected_vec(r)[1])) << "row " << r;
    EXPECT_EQ(label[i64][0].item<float>(), static_cast<float>(expected_label(r))) << "row " << r;
  }
  return ids;
}

void expect_same_batches(const std::vector<ragged::Batch>& a, const std::vector<ragged::Batch>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    ASSERT_EQ(a[k].names(), b[k].names());
    for (const auto& [name, column] : a[k]) {
      if (const auto* dense = std::get_if<torch::Tensor>(&column)) {
        EXPECT_TRUE(torch::equal(*dense, b[k].dense(name))) << "batch " << k << " column " << name;
        continue;
      }
      const auto& left = std::get<ragged::RaggedTensor>(column);
      const auto& right = b[k].ragged(name);
      EXPECT_TRUE(torch::equal(left.values(), right.values())) << "batch " << k << " column " << name;
      ASSERT_EQ(left.offsets().size(), right.offsets().size());
      for (std::size_t l = 0; l < left.offsets().size(); ++l) {
        EXPECT_TRUE(torch::equal(left.offsets()[l], right.offsets()[l])) << "batch " << k << " column " << name;
      }
    }
  }
}

class RowsTable : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "nested");
    write_rows_table(dir_ / "a.orc", 0, 250, 64);           // stripes of 64, 64, 64, 58 rows
    write_rows_table(dir_ / "nested" / "b.orc", 250, 150, 40);
    write_rows_table(dir_ / "c.orc", 400, 30, 64);
    std::ofstream(dir_ / "notes.txt") << "not an orc file";
  }
  // Directory order: a.orc, c.orc, nested/b.orc.
  std::vector<std::int64_t> rows_in_file_order() const {
    std::vector<std::int64_t> rows;
    for (std::int64_t r = 0; r < 250; ++r) rows.push_back(r);
    for (std::int64_t r = 400; r < 430; ++r) rows.push_back(r);
    for (std::int64_t r = 250; r < 400; ++r) rows.push_back(r);
    return rows;
  }
  TempDir dir_;
};

TEST_F(RowsTable, SingleThreadBatchesEqualTheRowsInOrder) {
  OrcDataset dataset(rows_table_options({dir_.path()}).with_batch_size(32));
  ASSERT_EQ(dataset.plan().files().size(), 3u);
  const auto batches = read_all(dataset);
  ASSERT_EQ(batches.size(), 14u);  // 430 rows: 13 x 32 + 14
  std::vector<std::int64_t> ids;
  for (std::size_t k = 0; k < batches.size(); ++k) {
    const auto batch_ids = checked_row_ids(batches[k]);
    EXPECT_EQ(batch_ids.size(), k + 1 < batches.size() ? 32u : 14u);
    ids.insert(ids.end(), batch_ids.begin(), batch_ids.end());
  }
  EXPECT_EQ(ids, rows_in_file_order());
  EXPECT_FALSE(dataset.next().has_value());
}

TEST_F(RowsTable, ThreadCountAndPrefetchNeverChangeTheBatches) {
  OrcDataset single(rows_table_options({dir_.path()}).with_batch_size(50));
  const auto expected = read_all(single);
  for (const std::size_t threads : {2, 3, 8}) {
    for (const std::size_t prefetch : {1, 5}) {
      OrcDataset dataset(rows_table_options({dir_.path()}).with_batch_size(50).with_read_threads(threads).with_prefetch(prefetch));
      expect_same_batches(read_all(dataset), expected);
    }
  }
}

TEST_F(RowsTable, DropRemainderAndFloat64) {
  OrcDataset dataset(rows_table_options({dir_.path()}).with_batch_size(100).with_drop_remainder(true).with_float_dtype(torch::kFloat64));
  const auto batches = read_all(dataset);
  ASSERT_EQ(batches.size(), 4u);
  EXPECT_EQ(batches[3].dense("vec").scalar_type(), torch::kFloat64);
  EXPECT_EQ(batches[3].dense("vec").size(0), 100);
  EXPECT_EQ(ragged::rows2_of(batches[3].ragged("id")).back().at(0), rows_in_file_order()[399]);
}

TEST_F(RowsTable, EpochsReadEveryRowOncePerEpochInASeededShuffledFileOrder) {
  auto options = rows_table_options({dir_.path()}).with_batch_size(64).with_epochs(3).with_shuffle(true, 7).with_read_threads(2);
  OrcDataset dataset(options);
  std::vector<std::int64_t> ids;
  for (const auto& batch : read_all(dataset)) {
    const auto batch_ids = checked_row_ids(batch);
    ids.insert(ids.end(), batch_ids.begin(), batch_ids.end());
  }
  ASSERT_EQ(ids.size(), 3 * 430u);
  std::vector<std::vector<std::int64_t>> epochs;
  for (int e = 0; e < 3; ++e) {
    std::vector<std::int64_t> epoch(ids.begin() + e * 430, ids.begin() + (e + 1) * 430);
    std::vector<std::int64_t> sorted = epoch;
    std::sort(sorted.begin(), sorted.end());
    for (std::int64_t r = 0; r < 430; ++r) ASSERT_EQ(sorted[static_cast<std::size_t>(r)], r);
    epochs.push_back(epoch);
  }
  // The file order of each epoch is a function of (seed, epoch): rebuild it from the plan.
  for (std::size_t e = 0; e < 3; ++e) {
    std::vector<std::int64_t> expected;
    for (const WorkUnit& unit : dataset.plan().shard_units(e, options)) {
      const auto& path = dataset.plan().files()[unit.file].path;
      const std::int64_t file_first = path.filename() == "a.orc" ? 0 : path.filename() == "b.orc" ? 250 : 400;
      for (std::uint64_t i = 0; i < unit.rows; ++i) {
        expected.push_back(file_first + static_cast<std::int64_t>(unit.first_row + i));
      }
    }
    EXPECT_EQ(epochs[e], expected) << "epoch " << e;
  }
  EXPECT_TRUE(epochs[0] != epochs[1] || epochs[1] != epochs[2]) << "three epochs in one file order";
  OrcDataset again(options);
  std::vector<std::int64_t> again_ids;
  for (const auto& batch : read_all(again)) {
    const auto batch_ids = ragged::rows2_of(batch.ragged("id"));
    for (const auto& row : batch_ids) again_ids.push_back(row.at(0));
  }
  EXPECT_EQ(again_ids, ids);
}

TEST_F(RowsTable, ResumingAtEveryCutPointYieldsTheUninterruptedBatches) {
  const auto options = rows_table_options({dir_.path()}).with_batch_size(48).with_epochs(2).with_shuffle(true, 3).with_read_threads(3);
  OrcDataset uninterrupted(options);
  const auto expected = read_all(uninterrupted);
  ASSERT_EQ(expected.size(), 18u);  // 860 rows
  EXPECT_EQ(uninterrupted.state()["epoch"], 2);
  for (std::size_t cut = 0; cut <= expected.size(); ++cut) {
    std::string saved;
    {
      OrcDataset first(options);
      for (std::size_t k = 0; k < cut; ++k) ASSERT_TRUE(first.next().has_value());
      saved = first.state().dump();
    }
    OrcDataset resumed(options);
    resumed.restore(nlohmann::json::parse(saved));
    const auto rest = read_all(resumed);
    expect_same_batches(rest, std::vector<ragged::Batch>(expected.begin() + static_cast<std::ptrdiff_t>(cut), expected.end()));
  }
}

TEST_F(RowsTable, StateNamesFileStripeAndRowAndRestoreRejectsAStateThatDoesNotFit) {
  OrcDataset dataset(rows_table_options({dir_.path()}).with_batch_size(100));
  ASSERT_TRUE(dataset.next().has_value());
  const nlohmann::json state = dataset.state();
  // Row 100 of a.orc is stripe 1 (rows 64..127), row 36 of it.
  EXPECT_EQ(state["file"], (dir_.path() / "a.orc").string());
  EXPECT_EQ(state["stripe"], 1);
  EXPECT_EQ(state["row"], 36);
  EXPECT_EQ(state["unit"], 1);
  EXPECT_EQ(state["epoch"], 0);
  // Restoring mid-run discards what was prefetched and goes back.
  ASSERT_TRUE(dataset.next().has_value());
  dataset.restore(state);
  EXPECT_EQ(ragged::rows2_of(dataset.next()->ragged("id")).front().at(0), 100);

  nlohmann::json wrong_stripe = state;
  wrong_stripe["stripe"] = 2;
  EXPECT_THROW(dataset.restore(wrong_stripe), ConfigError);
  nlohmann::json past_end = state;
  past_end["unit"] = 99;
  EXPECT_THROW(dataset.restore(past_end), ConfigError);
  nlohmann::json other_worker = state;
  other_worker["worker_num"] = 2;
  EXPECT_THROW(dataset.restore(other_worker), ConfigError);
  EXPECT_THROW(dataset.restore(nlohmann::json{{"epoch", -1}}), ConfigError);
}

TEST(OrcDatasetChunks, StripesLargerThanAChunkReadAndResumeExactly) {
  TempDir dir;
  const std::size_t rows = 3 * OrcDataset::kChunkRows + 1000;
  write_rows_table(dir / "big.orc", 0, rows, static_cast<std::uint32_t>(rows));  // one stripe, four chunks
  const auto options = rows_table_options({dir.path()}).with_batch_size(3000).with_read_threads(2);
  OrcDataset uninterrupted(options);
  const auto expected = read_all(uninterrupted);
  std::vector<std::int64_t> ids;
  for (const auto& batch : expected) {
    const auto batch_ids = checked_row_ids(batch);
    ids.insert(ids.end(), batch_ids.begin(), batch_ids.end());
  }
  ASSERT_EQ(ids.size(), rows);
  for (std::size_t r = 0; r < rows; ++r) ASSERT_EQ(ids[r], static_cast<std::int64_t>(r));
  // Rows 3000, 6000 (first chunk), 9000 (second), 18000 and 24000 (third).
  for (const std::size_t cut : {1, 2, 3, 6, 8}) {
    OrcDataset first(options);
    for (std::size_t k = 0; k < cut; ++k) ASSERT_TRUE(first.next().has_value());
    EXPECT_EQ(first.state()["row"], cut * 3000);
    OrcDataset resumed(options);
    resumed.restore(first.state());
    expect_same_batches(read_all(resumed), std::vector<ragged::Batch>(expected.begin() + static_cast<std::ptrdiff_t>(cut), expected.end()));
  }
}

TEST(OrcDatasetSharding, EveryRowIsReadExactlyOnceAcrossOneToFourWorkers) {
  TempDir dir;
  write_rows_table(dir / "big.orc", 0, 1000, 100);  // 10 stripes
  write_rows_table(dir / "small.orc", 1000, 30, 100);
  for (std::size_t workers = 1; workers <= 4; ++workers) {
    std::multiset<std::int64_t> seen;
    for (std::size_t worker = 0; worker < workers; ++worker) {
      OrcDataset dataset(rows_table_options({dir.path()}).with_batch_size(64).with_worker(worker, workers).with_read_threads(2));
      std::set<std::int64_t> mine;
      while (auto batch = dataset.next()) {
        for (const std::int64_t r : checked_row_ids(*batch)) mine.insert(r), seen.insert(r);
      }
      // Unit u (file, stripe) goes to worker u % workers: every worker has part of big.orc.
      EXPECT_TRUE(!mine.empty() && *mine.begin() < 1000) << worker << " of " << workers;
      for (std::int64_t stripe = static_cast<std::int64_t>(worker); stripe < 10; stripe += static_cast<std::int64_t>(workers)) {
        EXPECT_TRUE(mine.count(stripe * 100) == 1 && mine.count(stripe * 100 + 99) == 1) << "stripe " << stripe;
      }
    }
    ASSERT_EQ(seen.size(), 1030u) << workers << " workers";
    std::int64_t expected = 0;
    for (const std::int64_t r : seen) EXPECT_EQ(r, expected++);
  }
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& error) {
    return error.what();
  }
  return "<no error>";
}

TEST(OrcDatasetErrors, MissingColumnNamesFileAndColumn) {
  TempDir dir;
  write_rows_table(dir / "a.orc", 0, 10, 10);
  const std::string message = error_of([&] { OrcDataset dataset(rows_table_options({dir.path()}).varlen("clicks")); });
  EXPECT_NE(message.find("a.orc"), std::string::npos) << message;
  EXPECT_NE(message.find("'clicks'"), std::string::npos) << message;
}

TEST(OrcDatasetErrors, SchemaDifferenceBetweenFilesNamesBothFilesAndTheColumn) {
  TempDir dir;
  write_rows_table(dir / "a.orc", 0, 10, 10);
  write_orc(dir / "b.orc", "struct<id:bigint,ids:array<int>,vec:array<double>,label:double>", 5, 5,
            [](orc::StructVector& root, std::size_t, std::size_t count) {
              for (std::size_t i = 0; i < count; ++i) {
                static_cast<orc::LongVector&>(*root.fields[0]).values.push_back(0);
                static_cast<orc::ListVector&>(*root.fields[1]).offsets.push_back(0);
                static_cast<orc::ListVector&>(*root.fields[2]).offsets.push_back(0);
                static_cast<orc::DoubleVector&>(*root.fields[3]).values.push_back(0);
              }
              for (auto& field : root.fields) field->num_rows = count;
            });
  const std::string message = error_of([&] { OrcDataset dataset(rows_table_options({dir.path()})); });
  EXPECT_NE(message.find("'ids'"), std::string::npos) << message;
  EXPECT_NE(message.find("array<int>"), std::string::npos) << message;
  EXPECT_NE(message.find("b.orc"), std::string::npos) << message;
  EXPECT_NE(message.find("a.orc"), std::string::npos) << message;
}

TEST(OrcDatasetErrors, UnreadableFilesFailOrAreSkippedAndCounted) {
  TempDir dir;
  write_rows_table(dir / "a.orc", 0, 10, 10);
  std::ofstream(dir / "broken.orc") << "this is not ORC";
  const std::string message = error_of([&] { OrcDataset dataset(rows_table_options({dir.path()})); });
  EXPECT_NE(message.find("broken.orc"), std::string::npos) << message;

  OrcDataset dataset(rows_table_options({dir.path()}).with_skip_unreadable_files(true).with_batch_size(100));
  EXPECT_EQ(dataset.skipped_files(), 1u);
  EXPECT_EQ(checked_row_ids(*dataset.next()).size(), 10u);
  EXPECT_THROW(OrcDataset(rows_table_options({dir / "absent"})), IoError);
}

TEST(OrcDatasetErrors, BadOptionsAreConfigErrors) {
  TempDir dir;
  write_rows_table(dir / "a.orc", 0, 10, 10);
  EXPECT_THROW(OrcDataset(rows_table_options({dir.path()}).with_batch_size(0)), ConfigError);
  EXPECT_THROW(OrcDataset(rows_table_options({dir.path()}).with_worker(2, 2)), ConfigError);
  EXPECT_THROW(OrcDataset(rows_table_options({dir.path()}).varlen("ids")), ConfigError);
  // label is a scalar: its default must have one value.
  EXPECT_THROW(OrcDataset(OrcDatasetOptions().with_paths({dir.path()}).fixedlen("label", {0.0, 1.0})), ConfigError);
}

}  // namespace
}  // namespace recis::io

#include "recis/serialize/core/table_rows.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <numeric>
#include <vector>

#include "recis/common/error.h"
#include "recis/embedding/core/child_id.h"
#include "recis/embedding/core/half_float.h"
#include "recis/serialize/core/table_delta.h"

namespace recis::serialize {
namespace {

using embedding::ElementType;
using embedding::TableCore;
using embedding::TableOptions;

class TableRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("recis_table_rows_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  ThreadPool pool_{3};
};

TableOptions options_of(ElementType type, std::size_t dim = 4) {
  TableOptions options;
  options.table_id = 11;
  options.seed = 5;
  options.dim = dim;
  options.element_type = type;
  options.slots = {{"adam_m", dim}, {"adam_v", dim}};
  options.initializer.kind = embedding::InitKind::Normal;
  options.initializer.stddev = 0.5;
  options.rows_per_block = 1024;
  return options;
}

// Inserts ids at `step` and gives every slot float a value derived from (id, slot, k).
std::vector<int64_t> fill(TableCore& table, const std::vector<int64_t>& ids, int64_t step) {
  std::vector<int64_t> rows(ids.size());
  table.lookup(ids, step, rows);
  const auto& layout = table.rows().layout();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (std::size_t s = 0; s < layout.slots().size(); ++s) {
      float* slot = table.rows().slot(rows[i], s);
      for (std::size_t k = 0; k < layout.slots()[s].width; ++k) {
        slot[k] = static_cast<float>(ids[i] % 1000) * 0.25f + static_cast<float>(s * 10 + k);
      }
    }
  }
  return rows;
}

// Every row of `table` as bytes (metadata, embedding, slots), by id.
std::map<int64_t, std::vector<std::byte>> snapshot(const TableCore& table) {
  std::map<int64_t, std::vector<std::byte>> rows;
  const std::size_t bytes = table.rows().layout().row_bytes();
  table.for_each_row([&](int64_t id, int64_t row) {
    const std::byte* data = table.rows().row_data(row);
    rows[id].assign(data, data + bytes);
  });
  return rows;
}

// The same with a tiered table's disk rows (TableCore::read_disk_rows).
std::map<int64_t, std::vector<std::byte>> snapshot_both_tiers(const TableCore& table) {
  std::map<int64_t, std::vector<std::byte>> rows = snapshot(table);
  const std::size_t bytes = table.rows().layout().row_bytes();
  std::vector<int64_t> ids;
  table.for_each_disk_id([&](int64_t id) { ids.push_back(id); });
  std::vector<std::byte> data(ids.size() * bytes);
  table.read_disk_rows(ids, data.data());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    rows[ids[i]].assign(data.begin() + static_cast<std::ptrdiff_t>(i * bytes),
                        data.begin() + static_cast<std::ptrdiff_t>((i + 1) * bytes));
  }
  return rows;
}

std::vector<int64_t> id_range(int64_t first, int64_t count) {
  std::vector<int64_t> ids(static_cast<std::size_t>(count));
  std::iota(ids.begin(), ids.end(), first);
  return ids;
}

TEST_F(TableRowsTest, EveryRowRoundTripsByteForByteInEveryStorageType) {
  for (const ElementType type : {ElementType::F32, ElementType::BF16, ElementType::F16}) {
    TableCore table(options_of(type));
    // More rows than one chunk, so several threads write and read.
    fill(table, id_range(1000, 40000), 3);
    fill(table, id_range(30000, 20000), 9);  // half of these exist: last_step 9, count 2
    const std::filesystem::path path = dir_ / "rows.safetensors";
    const std::vector<ChildRows> lists = live_rows_by_child(table, 1, pool_);
    ASSERT_EQ(lists.size(), 1u);
    ASSERT_EQ(lists[0].ids.size(), 49000u);
    const FileDigest written =
        write_rows_file(table, lists[0], false, {"t", "c"}, {}, path, pool_);
    EXPECT_EQ(written.bytes, std::filesystem::file_size(path));

    const SafeTensorsReader file(path);
    const RowsFileLayout layout = read_rows_layout(file);
    EXPECT_EQ(layout.rows, 49000u);
    EXPECT_EQ(layout.dim, 4u);
    EXPECT_EQ(layout.element_type, type);
    ASSERT_EQ(layout.slots.size(), 2u);
    EXPECT_EQ(layout.slots[1].name, "adam_v");
    EXPECT_EQ(layout.names.child, "c");

    TableCore restored(options_of(type));
    EXPECT_TRUE(load_rows_file(restored, file, -1, pool_).empty());
    EXPECT_EQ(file.digest_of_reads().crc32c, written.crc32c);
    EXPECT_EQ(snapshot(restored), snapshot(table)) << embedding::element_type_name(type);
  }
}

TEST_F(TableRowsTest, ATieredTableSavesWhatTheTableAllInRamSavesAndLoadsIntoAnyBudget) {
  TableCore in_ram(options_of(ElementType::F32));
  TableOptions tiered_options = options_of(ElementType::F32);
  tiered_options.tier = {5000, dir_ / "tier", embedding::SpillPolicy::LeastRecent};
  TableCore tiered(tiered_options);
  for (TableCore* table : {&in_ram, &tiered}) {
    fill(*table, id_range(1000, 40000), 3);
    table->evict(3);
    fill(*table, id_range(30000, 20000), 9);
    table->evict(9);
  }
  ASSERT_LE(tiered.stats().rows, 5000u);
  ASSERT_EQ(tiered.stats().rows + tiered.stats().disk_rows, 49000u);

  auto save = [&](const TableCore& table, const std::string& name) {
    const std::vector<ChildRows> lists = live_rows_by_child(table, 1, pool_);
    write_rows_file(table, lists[0], false, {"t", "c"}, {}, dir_ / name, pool_);
    return dir_ / name;
  };
  const SafeTensorsReader from_ram(save(in_ram, "ram.safetensors"));
  const SafeTensorsReader from_tiers(save(tiered, "tiered.safetensors"));
  TableCore reloaded_ram(options_of(ElementType::F32)), reloaded_tiers(options_of(ElementType::F32));
  load_rows_file(reloaded_ram, from_ram, -1, pool_);
  load_rows_file(reloaded_tiers, from_tiers, -1, pool_);
  EXPECT_EQ(snapshot(reloaded_tiers), snapshot(in_ram));
  EXPECT_EQ(snapshot(reloaded_ram), snapshot(reloaded_tiers));

  // Into a smaller budget, and into another storage type: rows beyond the budget go to disk.
  for (const ElementType type : {ElementType::F32, ElementType::BF16}) {
    TableCore plain(options_of(type));
    TableOptions small = options_of(type);
    small.tier = {3000, dir_ / ("small_" + std::string(embedding::element_type_name(type))),
                  embedding::SpillPolicy::LeastRecent};
    TableCore budgeted(small);
    load_rows_file(plain, from_tiers, -1, pool_);
    load_rows_file(budgeted, from_tiers, -1, pool_);
    EXPECT_LE(budgeted.stats().rows, 3000u);
    EXPECT_EQ(budgeted.stats().disk_rows + budgeted.stats().rows, 49000u);
    EXPECT_EQ(snapshot_both_tiers(budgeted), snapshot(plain)) << embedding::element_type_name(type);
  }
}

TEST_F(TableRowsTest, MergedChildrenAreStoredWithTheirOwnIdsAndReloadIntoAnyLayout) {
  TableOptions merged = options_of(ElementType::F32);
  merged.child_table_ids = {101, 202};
  TableCore table(merged);
  const int64_t big = (int64_t{1} << 40) + 17;
  fill(table, {embedding::encode_child_id(0, 5), embedding::encode_child_id(0, big),
               embedding::encode_child_id(1, 5), embedding::encode_child_id(1, 6)},
       2);
  const std::vector<ChildRows> lists = live_rows_by_child(table, 2, pool_);
  ASSERT_EQ(lists[0].ids.size(), 2u);
  ASSERT_EQ(lists[1].ids.size(), 2u);
  const std::filesystem::path child1 = dir_ / "child1.safetensors";
  write_rows_file(table, lists[1], true, {"merged", "b"}, {}, child1, pool_);

  // Into a table of its own (not merged): ids as the feature sees them.
  TableCore alone(options_of(ElementType::F32));
  load_rows_file(alone, SafeTensorsReader(child1), -1, pool_);
  std::vector<int64_t> rows(2);
  alone.find(std::vector<int64_t>{5, 6}, rows);
  EXPECT_NE(rows[0], TableCore::kNoRow);
  EXPECT_NE(rows[1], TableCore::kNoRow);
  std::vector<int64_t> source_rows(1);
  table.find(std::vector<int64_t>{embedding::encode_child_id(1, 6)}, source_rows);
  EXPECT_EQ(std::memcmp(alone.rows().row_data(rows[1]), table.rows().row_data(source_rows[0]),
                        table.rows().layout().row_bytes()),
            0);

  // Into another merge where the shared name is child 3.
  TableCore other(options_of(ElementType::F32));
  load_rows_file(other, SafeTensorsReader(child1), 3, pool_);
  other.find(std::vector<int64_t>{embedding::encode_child_id(3, 5), embedding::encode_child_id(3, 6)},
             rows);
  EXPECT_NE(rows[0], TableCore::kNoRow);
  EXPECT_NE(rows[1], TableCore::kNoRow);
}

TEST_F(TableRowsTest, EmbeddingsConvertWhenTheTableStoresAnotherType) {
  TableCore table(options_of(ElementType::F32));
  const std::vector<int64_t> rows = fill(table, {1, 2, 3}, 1);
  const std::vector<float> values = {1.0f / 3, -2.5f, 1e-3f, 7.0f};
  table.rows().write_embedding(rows[0], values);
  const std::filesystem::path path = dir_ / "f32.safetensors";
  write_rows_file(table, live_rows_by_child(table, 1, pool_)[0], false, {"t", "c"}, {}, path, pool_);

  TableCore bf16(options_of(ElementType::BF16));
  load_rows_file(bf16, SafeTensorsReader(path), -1, pool_);
  std::vector<int64_t> found(1);
  bf16.find(std::vector<int64_t>{1}, found);
  std::vector<float> read(4);
  bf16.rows().read_embedding(found[0], read);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(read[k], embedding::bf16_to_float(embedding::float_to_bf16(values[k])));
  }
}

TEST_F(TableRowsTest, MismatchedTablesAreRefusedNamingTheFile) {
  TableCore table(options_of(ElementType::F32));
  fill(table, {1, 2}, 1);
  const std::filesystem::path path = dir_ / "rows.safetensors";
  write_rows_file(table, live_rows_by_child(table, 1, pool_)[0], false, {"t", "c"}, {}, path, pool_);

  TableCore wider(options_of(ElementType::F32, 8));
  try {
    load_rows_file(wider, SafeTensorsReader(path), -1, pool_);
    FAIL() << "a dim mismatch was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("dim 4"), std::string::npos) << error.what();
  }
  TableOptions other_optimizer = options_of(ElementType::F32);
  other_optimizer.slots = {{"accumulator", 4}};
  TableCore adagrad(other_optimizer);
  try {
    load_rows_file(adagrad, SafeTensorsReader(path), -1, pool_);
    FAIL() << "a missing slot was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("'accumulator'"), std::string::npos) << error.what();
  }
}

TEST_F(TableRowsTest, AppliedDeltaTurnsTheBaseIntoTheTarget) {
  TableCore since(options_of(ElementType::F32));
  fill(since, id_range(0, 30000), 1);
  const std::filesystem::path base = dir_ / "base.safetensors";
  write_rows_file(since, live_rows_by_child(since, 1, pool_)[0], false, {"t", "c"}, {}, base, pool_);

  // The target: the base, then some rows updated, some added, some evicted.
  TableCore to(options_of(ElementType::F32));
  load_rows_file(to, SafeTensorsReader(base), -1, pool_);
  std::vector<int64_t> touched(5000);
  to.lookup(id_range(10000, 5000), 2, touched);  // metadata changes
  for (const int64_t row : touched) to.rows().slot(row, 0)[1] += 1.0f;
  fill(to, id_range(50000, 7000), 2);  // new rows
  EXPECT_EQ(to.erase(id_range(0, 2000)), 2000u);

  const RowsDelta delta = diff_rows(since, to);
  EXPECT_EQ(delta.changed.ids.size(), 12000u);
  EXPECT_EQ(delta.evicted.size(), 2000u);
  const std::filesystem::path delta_path = dir_ / "delta.safetensors";
  write_rows_file(to, delta.changed, false, {"t", "c"}, delta.evicted, delta_path, pool_);

  TableCore applied(options_of(ElementType::F32));
  load_rows_file(applied, SafeTensorsReader(base), -1, pool_);
  const std::vector<int64_t> evicted = load_rows_file(applied, SafeTensorsReader(delta_path), -1, pool_);
  EXPECT_EQ(evicted.size(), 2000u);
  applied.erase(evicted);
  EXPECT_EQ(snapshot(applied), snapshot(to));
}

TEST_F(TableRowsTest, EmptyTablesWriteAndReadZeroRows) {
  TableCore table(options_of(ElementType::F32));
  const std::filesystem::path path = dir_ / "empty.safetensors";
  const FileDigest digest =
      write_rows_file(table, live_rows_by_child(table, 1, pool_)[0], false, {"t", "c"}, {}, path, pool_);
  const SafeTensorsReader file(path);
  EXPECT_EQ(read_rows_layout(file).rows, 0u);
  TableCore restored(options_of(ElementType::F32));
  load_rows_file(restored, file, -1, pool_);
  EXPECT_EQ(restored.stats().rows, 0u);
  EXPECT_EQ(file.digest_of_reads().crc32c, digest.crc32c);
}

// A file of no rows may declare any dim (its tensors stay empty); `recis ckpt` then made a table of
// that dim and failed with a ConfigError that did not name the file.
TEST_F(TableRowsTest, RowsNoTableCanHoldAreRefusedNamingTheFile) {
  const std::filesystem::path path = dir_ / "wide.safetensors";
  const int64_t dim = int64_t{1} << 21;
  SafeTensorsWriter writer(path,
                           {{"ids", DType::I64, {0}},
                            {"embedding", DType::F32, {0, dim}},
                            {"last_step", DType::U32, {0}},
                            {"count", DType::U32, {0}}},
                           {{"format", kRowsFormat},
                            {"table", "t"},
                            {"child", "c"},
                            {"dim", std::to_string(dim)},
                            {"dtype", "fp32"},
                            {"slots", ""}});
  writer.finish();
  try {
    read_rows_layout(SafeTensorsReader(path));
    ADD_FAILURE() << "accepted rows of dim " << dim;
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind(path.string() + ": ", 0), 0u) << message;
    EXPECT_NE(message.find("dim 2097152 must be in [1, 1048576]"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace recis::serialize

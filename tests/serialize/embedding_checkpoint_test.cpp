// Every table of an embedding engine through a checkpoint directory: rows saved from merged tables
// load into separate ones (and back) and give the same lookups; a missing or corrupt rows file is
// refused naming it.
#include "recis/serialize/embedding_checkpoint.h"

#include <gtest/gtest.h>

#include <random>

#include "recis/common/error.h"
#include "recis/embedding/core/child_id.h"
#include "support/test_support.h"

namespace recis::serialize {
namespace {

using embedding::Combiner;
using embedding::EmbeddingOptions;
using embedding::Engine;
using embedding::EngineOptions;
using embedding::LookupMode;
using ragged::Batch;
using ragged::RaggedTensor;

RaggedTensor random_ids(std::mt19937_64& rng, int batch, int vocab) {
  std::uniform_int_distribution<int> length(0, 4);
  std::uniform_int_distribution<int64_t> id(1, vocab);
  std::vector<int64_t> values, offsets{0};
  for (int row = 0; row < batch; ++row) {
    for (int n = length(rng); n > 0; --n) values.push_back(id(rng) * 1000003);
    offsets.push_back(static_cast<int64_t>(values.size()));
  }
  return RaggedTensor(torch::tensor(values, torch::kInt64), {torch::tensor(offsets)});
}

std::vector<EmbeddingOptions> features() {
  std::vector<EmbeddingOptions> out;
  for (int f = 0; f < 4; ++f) {
    EmbeddingOptions options("c" + std::to_string(f), 4);
    options.initializer.kind = embedding::InitKind::Uniform;
    options.combiner = f % 2 ? Combiner::Mean : Combiner::Sum;
    out.push_back(options);
  }
  return out;
}

EngineOptions engine_options(bool merge) {
  EngineOptions options;
  options.seed = 3;
  options.merge_tables = merge;
  options.threads = 2;
  options.slots = [](const std::string&, std::size_t dim) {
    return std::vector<embedding::SlotSpec>{{"m", dim}};
  };
  return options;
}

// The shared name owning a row of `table`, and the feature's own id.
std::pair<std::string, int64_t> owner(const embedding::Table& table, int64_t id) {
  if (table.children().size() == 1) return {table.children()[0], id};
  return {table.children()[static_cast<std::size_t>(embedding::child_of(id))],
          embedding::child_local_id(id)};
}

// A value no initializer produces, distinct per (shared name, id, k).
float scrambled(const std::string& name, int64_t id, std::size_t k) {
  return static_cast<float>(((id >> (k * 3)) + static_cast<int64_t>(name.back()) * 7) % 97) / 13.0f;
}

// Gives every row scrambled values and its slot the feature's id mod 1000.
void scramble_rows(Engine& engine) {
  for (std::size_t t = 0; t < engine.table_count(); ++t) {
    const embedding::Table& table = engine.table(t);
    const embedding::TableCore& core = table.core();
    core.for_each_row([&](int64_t id, int64_t row) {
      const auto [name, local] = owner(table, id);
      std::vector<float> values(core.options().dim);
      for (std::size_t k = 0; k < values.size(); ++k) values[k] = scrambled(name, local, k);
      core.rows().write_embedding(row, values);
      core.rows().slot(row, 0)[0] = static_cast<float>(local % 1000);
    });
  }
}

int64_t total_rows(const Engine& engine) {
  int64_t rows = 0;
  for (std::size_t t = 0; t < engine.table_count(); ++t) {
    rows += static_cast<int64_t>(engine.table(t).core().stats().rows);
  }
  return rows;
}

class EmbeddingCheckpoint : public ::testing::TestWithParam<bool> {};

TEST_P(EmbeddingCheckpoint, RowsLoadIntoTheOtherMergeLayout) {
  const bool save_merged = GetParam();
  std::mt19937_64 rng(5);
  Batch batch;
  for (int f = 0; f < 4; ++f) batch.set("c" + std::to_string(f), random_ids(rng, 64, 40));

  Engine saved(features(), engine_options(save_merged));
  saved.forward(batch, 1, LookupMode::Train);
  scramble_rows(saved);
  testing::TempDir dir;
  std::filesystem::path checkpoint;
  {
    CheckpointStaging staging(dir.path(), 1);
    save_embeddings(saved, staging);
    checkpoint = staging.commit(1);
  }
  EXPECT_TRUE(std::filesystem::exists(checkpoint / rows_file_path("c2")));

  Engine loaded(features(), engine_options(!save_merged));
  ASSERT_NE(loaded.table_count(), saved.table_count());
  load_embeddings(loaded, checkpoint, read_manifest(checkpoint));
  const auto expected = saved.forward(batch, 2, LookupMode::Eval);
  const auto actual = loaded.forward(batch, 2, LookupMode::Eval);
  for (int f = 0; f < 4; ++f) {
    const std::string name = "c" + std::to_string(f);
    EXPECT_TRUE(torch::equal(actual.embeddings.at(name), expected.embeddings.at(name))) << name;
  }
  // Every row and its optimizer slot travelled to the right feature.
  int64_t rows = 0;
  for (std::size_t t = 0; t < loaded.table_count(); ++t) {
    const embedding::Table& table = loaded.table(t);
    table.core().for_each_row([&](int64_t id, int64_t row) {
      const auto [name, local] = owner(table, id);
      std::vector<float> values(4);
      table.core().rows().read_embedding(row, values);
      EXPECT_EQ(values[1], scrambled(name, local, 1)) << name << " " << local;
      EXPECT_EQ(table.core().rows().slot(row, 0)[0], static_cast<float>(local % 1000));
      ++rows;
    });
  }
  EXPECT_EQ(rows, total_rows(saved));
}

INSTANTIATE_TEST_SUITE_P(MergedOrSeparate, EmbeddingCheckpoint, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("SavedMerged") : std::string("SavedSeparate");
                         });

TEST(EmbeddingCheckpointErrors, MissingAndCorruptRowsFilesAreNamed) {
  std::mt19937_64 rng(6);
  Batch batch;
  for (int f = 0; f < 4; ++f) batch.set("c" + std::to_string(f), random_ids(rng, 16, 10));
  Engine saved(features(), engine_options(true));
  saved.forward(batch, 1, LookupMode::Train);
  testing::TempDir dir;
  std::filesystem::path checkpoint;
  {
    CheckpointStaging staging(dir.path(), 1);
    save_embeddings(saved, staging);
    checkpoint = staging.commit(1);
  }
  // A feature the checkpoint does not have.
  std::vector<EmbeddingOptions> more = features();
  more.emplace_back("c9", 4);
  Engine wider(more, engine_options(true));
  try {
    load_embeddings(wider, checkpoint, read_manifest(checkpoint));
    FAIL() << "a missing rows file was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("c9.safetensors"), std::string::npos) << error.what();
  }
  // A flipped byte in the last tensor of c1's file.
  const std::filesystem::path file = checkpoint / rows_file_path("c1");
  recis::testing::flip_bits(file, std::filesystem::file_size(file) - 2, 0x55);
  Engine corrupt(features(), engine_options(true));
  try {
    load_embeddings(corrupt, checkpoint, read_manifest(checkpoint));
    FAIL() << "a corrupt rows file was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("c1.safetensors"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("checksum"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace recis::serialize

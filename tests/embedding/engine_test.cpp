#include "recis/embedding/engine.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "recis/common/error.h"
#include "recis/embedding/core/child_id.h"

namespace recis::embedding {
namespace {

using ragged::Batch;
using ragged::RaggedTensor;

// A 2-level ragged of ids with optional weights; rows given as lists.
RaggedTensor ids_ragged(const std::vector<std::vector<int64_t>>& rows, bool weighted = false) {
  std::vector<int64_t> values, offsets{0};
  std::vector<float> weights;
  for (const auto& row : rows) {
    for (int64_t id : row) {
      values.push_back(id);
      weights.push_back(0.5f + static_cast<float>(values.size() % 3));
    }
    offsets.push_back(static_cast<int64_t>(values.size()));
  }
  std::optional<torch::Tensor> w;
  if (weighted) w = torch::tensor(weights);
  return RaggedTensor(torch::tensor(values, torch::kInt64), {torch::tensor(offsets)}, w);
}

std::vector<std::vector<int64_t>> random_rows(std::mt19937_64& rng, int batch, int vocab) {
  std::uniform_int_distribution<int> length(0, 5);
  std::uniform_int_distribution<int64_t> id(1, vocab);
  std::vector<std::vector<int64_t>> rows(batch);
  for (auto& row : rows) {
    const int n = length(rng);
    for (int i = 0; i < n; ++i) row.push_back(id(rng) * 1000003);
  }
  return rows;
}

EmbeddingOptions uniform_feature(std::string name, std::size_t dim) {
  EmbeddingOptions options(std::move(name), dim);
  options.initializer.kind = InitKind::Uniform;
  options.initializer.low = -1.0;
  options.initializer.high = 1.0;
  return options;
}

// The rows the engine holds for `ids` in the feature's table (read-only).
torch::Tensor rows_of(Engine& engine, const std::string& table_name, int64_t child_count,
                      int64_t child, const std::vector<int64_t>& ids) {
  Table& table = engine.table(table_name);
  std::vector<int64_t> keys;
  for (int64_t id : ids) keys.push_back(child_count > 1 ? encode_child_id(child, id) : id);
  std::vector<int64_t> rows(keys.size());
  table.lookup(keys, {}, 0, LookupMode::Eval, rows, engine.pool());
  return table.gather(rows, engine.pool());
}

// Reference: the same rows in a dense parameter, combined with torch::embedding_bag.
struct DenseReference {
  torch::Tensor weight;                 // [distinct ids, dim], requires grad
  std::map<int64_t, int64_t> index;     // id -> row of weight
};

DenseReference dense_reference(Engine& engine, const std::string& table, int64_t child_count,
                               int64_t child, const std::vector<std::vector<int64_t>>& rows) {
  DenseReference ref;
  std::vector<int64_t> ids;
  for (const auto& row : rows) {
    for (int64_t id : row) {
      if (ref.index.emplace(id, static_cast<int64_t>(ids.size())).second) ids.push_back(id);
    }
  }
  ref.weight = rows_of(engine, table, child_count, child, ids).clone().requires_grad_(true);
  return ref;
}

TEST(EmbeddingEngine, SumAndMeanMatchEmbeddingBagForwardAndBackward) {
  std::mt19937_64 rng(11);
  const auto rows = random_rows(rng, 64, 40);
  for (bool weighted : {false, true}) {
    for (Combiner combiner : {Combiner::Sum, Combiner::Mean}) {
      Engine engine({uniform_feature("f", 4).with_combiner(combiner)}, {.seed = 5, .threads = 2});
      Batch batch;
      const RaggedTensor input = ids_ragged(rows, weighted);
      batch.set("f", input);
      const torch::Tensor out = engine.forward(batch, 1, LookupMode::Train).embeddings.at("f");
      ASSERT_EQ(out.sizes(), (std::vector<int64_t>{64, 4}));

      DenseReference ref = dense_reference(engine, "f", 1, 0, rows);
      std::vector<int64_t> mapped;
      for (const auto& row : rows) {
        for (int64_t id : row) mapped.push_back(ref.index.at(id));
      }
      torch::Tensor expected = std::get<0>(torch::embedding_bag(
          ref.weight, torch::tensor(mapped, torch::kInt64), input.offsets()[0], false, 0, false,
          weighted ? *input.weights() : torch::Tensor(), true));
      if (combiner == Combiner::Mean) {
        const torch::Tensor& offsets = input.offsets()[0];
        expected = expected / (offsets.slice(0, 1) - offsets.slice(0, 0, -1))
                                  .clamp_min(1)
                                  .to(torch::kFloat32)
                                  .unsqueeze(1);
      }
      EXPECT_TRUE(torch::allclose(out, expected, 1e-6, 1e-6));

      const torch::Tensor upstream = torch::randn({64, 4}, torch::TensorOptions().dtype(torch::kFloat32));
      (out * upstream).sum().backward();
      (expected * upstream).sum().backward();
      engine.accumulate_gradients();
      const std::vector<SparseGrad> grads = engine.take_gradients();
      ASSERT_EQ(grads.size(), 1u);
      const SparseGrad& grad = grads[0];
      ASSERT_EQ(grad.ids.numel(), static_cast<int64_t>(ref.index.size()));
      for (int64_t k = 0; k < grad.ids.numel(); ++k) {
        const int64_t id = grad.ids[k].item<int64_t>();
        EXPECT_TRUE(torch::allclose(grad.values[k], ref.weight.grad()[ref.index.at(id)], 1e-5,
                                    1e-6))
            << "id " << id;
      }
    }
  }
}

TEST(EmbeddingEngine, CountsAreOccurrencesAndRowsAreTheTablesRows) {
  Engine engine({uniform_feature("f", 2)}, {.threads = 1});
  Batch batch;
  batch.set("f", ids_ragged({{7, 7, 9}, {}, {7}}));
  const torch::Tensor out = engine.forward(batch, 3, LookupMode::Train).embeddings.at("f");
  out.sum().backward();
  engine.accumulate_gradients();
  const auto grads = engine.take_gradients();
  ASSERT_EQ(grads.size(), 1u);
  EXPECT_TRUE(torch::equal(grads[0].ids, torch::tensor({7, 9}, torch::kInt64)));
  EXPECT_TRUE(torch::equal(grads[0].counts, torch::tensor({3, 1}, torch::kInt64)));
  EXPECT_TRUE(torch::allclose(grads[0].values, torch::tensor({{3.f, 3.f}, {1.f, 1.f}})));
  std::vector<int64_t> rows(2);
  engine.table("f").core().find(std::vector<int64_t>{7, 9}, rows);
  EXPECT_EQ(grads[0].rows[0].item<int64_t>(), rows[0]);
  EXPECT_EQ(grads[0].rows[1].item<int64_t>(), rows[1]);
  EXPECT_TRUE(engine.take_gradients().empty());
}

TEST(EmbeddingEngine, TileTakesTheFirstEntriesAndPadsWithZeros) {
  Engine engine({uniform_feature("seq", 3).with_combiner(Combiner::Tile, 2)}, {.threads = 1});
  Batch batch;
  batch.set("seq", ids_ragged({{5, 6, 7}, {}, {6}}));
  const EmbeddingOutputs outputs = engine.forward(batch, 1, LookupMode::Train);
  const torch::Tensor out = outputs.embeddings.at("seq");
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{3, 2, 3}));
  const torch::Tensor rows = rows_of(engine, "seq", 1, 0, {5, 6});
  EXPECT_TRUE(torch::equal(out[0][0], rows[0]));
  EXPECT_TRUE(torch::equal(out[0][1], rows[1]));
  EXPECT_TRUE(torch::equal(out[1], torch::zeros({2, 3})));
  EXPECT_TRUE(torch::equal(out[2][0], rows[1]));
  EXPECT_TRUE(torch::equal(out[2][1], torch::zeros({3})));
  EXPECT_TRUE(torch::equal(outputs.sequence_masks.at("seq"),
                           torch::tensor({{true, true}, {false, false}, {true, false}})));
}

TEST(EmbeddingEngine, ThreeLevelInputsPoolInnerListsForTileAndAllIdsForSum) {
  // Row 0: [[1, 2], [3]]; row 1: [[], [2, 2]].
  const RaggedTensor input(torch::tensor({1, 2, 3, 2, 2}, torch::kInt64),
                           {torch::tensor({0, 2, 4}, torch::kInt64),
                            torch::tensor({0, 2, 3, 3, 5}, torch::kInt64)});
  Engine engine({uniform_feature("s", 2).with_combiner(Combiner::Tile, 3),
                 uniform_feature("p", 2).with_shared_name("s")},
                {.threads = 1});
  Batch batch;
  batch.set("s", input);
  batch.set("p", input);
  const auto out = engine.forward(batch, 1, LookupMode::Train);
  const torch::Tensor r = rows_of(engine, "s", 1, 0, {1, 2, 3});
  const torch::Tensor tile = out.embeddings.at("s");
  ASSERT_EQ(tile.sizes(), (std::vector<int64_t>{2, 3, 2}));
  EXPECT_TRUE(torch::allclose(tile[0][0], r[0] + r[1]));
  EXPECT_TRUE(torch::allclose(tile[0][1], r[2]));
  EXPECT_TRUE(torch::equal(tile[0][2], torch::zeros({2})));
  EXPECT_TRUE(torch::equal(tile[1][0], torch::zeros({2})));
  EXPECT_TRUE(torch::allclose(tile[1][1], 2 * r[1]));
  const torch::Tensor sum = out.embeddings.at("p");
  EXPECT_TRUE(torch::allclose(sum[0], r[0] + r[1] + r[2]));
  EXPECT_TRUE(torch::allclose(sum[1], 2 * r[1]));
}

TEST(EmbeddingEngine, DenseIdsAndNoneCombiner) {
  Engine engine({uniform_feature("d", 2), uniform_feature("n", 2)
                                              .with_shared_name("d")
                                              .with_combiner(Combiner::None)},
                {.threads = 1});
  Batch batch;
  batch.set("d", torch::tensor({{4, 5}, {5, 6}}, torch::kInt64));
  batch.set("n", torch::tensor({6, 4, 4}, torch::kInt64));
  const auto out = engine.forward(batch, 1, LookupMode::Train);
  const torch::Tensor r = rows_of(engine, "d", 1, 0, {4, 5, 6});
  EXPECT_TRUE(torch::allclose(out.embeddings.at("d")[0], r[0] + r[1]));
  EXPECT_TRUE(torch::allclose(out.embeddings.at("d")[1], r[1] + r[2]));
  EXPECT_TRUE(torch::equal(out.embeddings.at("n"), torch::stack({r[2], r[0], r[0]})));
}

TEST(EmbeddingEngine, MergedTablesEqualSeparateTables) {
  std::mt19937_64 rng(3);
  std::vector<EmbeddingOptions> features;
  Batch batch;
  for (int f = 0; f < 5; ++f) {
    const std::string name = "c" + std::to_string(f);
    features.push_back(uniform_feature(name, 4).with_combiner(f % 2 ? Combiner::Mean
                                                                    : Combiner::Sum));
    // Ids overlap across features: merged children must still keep them apart.
    batch.set(name, ids_ragged(random_rows(rng, 32, 20), f == 3));
  }
  Engine merged(features, {.seed = 9, .merge_tables = true, .threads = 2});
  Engine separate(features, {.seed = 9, .merge_tables = false, .threads = 1});
  ASSERT_EQ(merged.table_count(), 1u);
  ASSERT_EQ(separate.table_count(), 5u);
  const auto a = merged.forward(batch, 1, LookupMode::Train);
  const auto b = separate.forward(batch, 1, LookupMode::Train);
  torch::Tensor loss_a = torch::zeros({}), loss_b = torch::zeros({});
  for (int f = 0; f < 5; ++f) {
    const std::string name = "c" + std::to_string(f);
    EXPECT_TRUE(torch::equal(a.embeddings.at(name), b.embeddings.at(name))) << name;
    const torch::Tensor upstream = torch::full({32, 4}, static_cast<float>(f + 1));
    loss_a = loss_a + (a.embeddings.at(name) * upstream).sum();
    loss_b = loss_b + (b.embeddings.at(name) * upstream).sum();
  }
  loss_a.backward();
  loss_b.backward();
  merged.accumulate_gradients();
  separate.accumulate_gradients();
  // Per (feature, id): the merged gradient equals the separate table's.
  std::map<std::pair<int64_t, int64_t>, std::vector<float>> by_child_id;
  for (const SparseGrad& g : merged.take_gradients()) {
    for (int64_t k = 0; k < g.ids.numel(); ++k) {
      const int64_t id = g.ids[k].item<int64_t>();
      auto row = g.values[k].contiguous();
      by_child_id[{child_of(id), child_local_id(id)}] =
          std::vector<float>(row.data_ptr<float>(), row.data_ptr<float>() + 4);
    }
  }
  std::size_t compared = 0;
  for (const SparseGrad& g : separate.take_gradients()) {
    const std::string& name = g.table == &separate.table("c0").core()   ? std::string("c0")
                              : g.table == &separate.table("c1").core() ? std::string("c1")
                              : g.table == &separate.table("c2").core() ? std::string("c2")
                              : g.table == &separate.table("c3").core() ? std::string("c3")
                                                                        : std::string("c4");
    const int64_t child = name[1] - '0';
    for (int64_t k = 0; k < g.ids.numel(); ++k) {
      // Equal up to float summation order (merged gradients sum in another order).
      const std::vector<float>& merged_row = by_child_id.at({child, g.ids[k].item<int64_t>()});
      EXPECT_TRUE(torch::allclose(g.values[k], torch::tensor(merged_row), 1e-6, 1e-6));
      ++compared;
    }
  }
  EXPECT_EQ(compared, by_child_id.size());
}

TEST(EmbeddingEngine, AccumulatedMicroBatchesEqualOneBatchOfTheirUnion) {
  std::mt19937_64 rng(5);
  const auto first = random_rows(rng, 16, 10);
  const auto second = random_rows(rng, 16, 10);  // repeats ids of the first
  auto all = first;
  all.insert(all.end(), second.begin(), second.end());
  const torch::Tensor upstream = torch::randn({32, 4});

  Engine whole({uniform_feature("f", 4)}, {.seed = 1, .threads = 1});
  Batch union_batch;
  union_batch.set("f", ids_ragged(all, true));
  (whole.forward(union_batch, 1, LookupMode::Train).embeddings.at("f") * upstream).sum().backward();
  whole.accumulate_gradients();
  const SparseGrad expected = whole.take_gradients().at(0);

  Engine parts({uniform_feature("f", 4)}, {.seed = 1, .threads = 1});
  for (int part = 0; part < 2; ++part) {
    Batch batch;
    batch.set("f", ids_ragged(part == 0 ? first : second, true));
    // Weights restart per batch in ids_ragged; rebuild them from the union's to match.
    const RaggedTensor& whole_input = union_batch.ragged("f");
    const int64_t begin = whole_input.offsets()[0][part * 16].item<int64_t>();
    const int64_t end = whole_input.offsets()[0][part * 16 + 16].item<int64_t>();
    const RaggedTensor& own = batch.ragged("f");
    batch.set("f", RaggedTensor(own.values(), own.offsets(),
                                whole_input.weights()->slice(0, begin, end)));
    (parts.forward(batch, 1, LookupMode::Train).embeddings.at("f") * upstream.slice(0, part * 16, part * 16 + 16))
        .sum()
        .backward();
    parts.accumulate_gradients();
  }
  const SparseGrad got = parts.take_gradients().at(0);
  std::map<int64_t, int64_t> position;
  for (int64_t k = 0; k < got.ids.numel(); ++k) position[got.ids[k].item<int64_t>()] = k;
  ASSERT_EQ(got.ids.numel(), expected.ids.numel());
  for (int64_t k = 0; k < expected.ids.numel(); ++k) {
    const int64_t at = position.at(expected.ids[k].item<int64_t>());
    EXPECT_EQ(got.counts[at].item<int64_t>(), expected.counts[k].item<int64_t>());
    EXPECT_EQ(got.rows[at].item<int64_t>(), expected.rows[k].item<int64_t>());
    EXPECT_TRUE(torch::allclose(got.values[at], expected.values[k], 1e-5, 1e-6));
  }
}

TEST(EmbeddingEngine, EvalReadsZerosForUnknownIdsAndInsertsNothing) {
  Engine engine({uniform_feature("f", 2)}, {.threads = 1});
  Batch batch;
  batch.set("f", ids_ragged({{1}, {2}}));
  engine.forward(batch, 1, LookupMode::Train);
  Batch eval;
  eval.set("f", ids_ragged({{1, 99}, {98}}));
  const torch::Tensor out = engine.forward(eval, 2, LookupMode::Eval).embeddings.at("f");
  EXPECT_TRUE(torch::equal(out[0], rows_of(engine, "f", 1, 0, {1})[0]));
  EXPECT_TRUE(torch::equal(out[1], torch::zeros({2})));
  EXPECT_EQ(engine.table("f").core().stats().rows, 2u);
  EXPECT_FALSE(out.requires_grad());
}

TEST(EmbeddingEngine, InitialRowsDoNotDependOnThreadsOrBatchOrder) {
  std::mt19937_64 rng(8);
  const auto rows = random_rows(rng, 256, 500);
  auto reversed = rows;
  std::reverse(reversed.begin(), reversed.end());
  Batch forward_batch, reversed_batch;
  forward_batch.set("f", ids_ragged(rows));
  reversed_batch.set("f", ids_ragged(reversed));
  Engine one({uniform_feature("f", 8)}, {.seed = 4, .threads = 1});
  Engine two({uniform_feature("f", 8)}, {.seed = 4, .threads = 2});
  const torch::Tensor a = one.forward(forward_batch, 1, LookupMode::Train).embeddings.at("f");
  const torch::Tensor b = two.forward(reversed_batch, 1, LookupMode::Train).embeddings.at("f");
  EXPECT_TRUE(torch::equal(a, b.flip(0)));
}

TEST(EmbeddingEngine, EvictedRowsComeBackWithTheirInitialValues) {
  EmbeddingOptions options = uniform_feature("f", 2);
  options.eviction.ttl_steps = 2;
  Engine engine({options}, {.threads = 1});
  Batch batch;
  batch.set("f", ids_ragged({{1}, {2}}));
  const torch::Tensor first = engine.forward(batch, 1, LookupMode::Train).embeddings.at("f").detach();
  // Change row 1 as an optimizer would, then let both rows idle past the TTL.
  std::vector<int64_t> row(1);
  engine.table("f").core().find(std::vector<int64_t>{1}, row);
  engine.table("f").core().rows().write_embedding(row[0], std::vector<float>{9.f, 9.f});
  EXPECT_EQ(engine.evict(10).by_ttl, 2u);
  EXPECT_EQ(engine.table("f").core().stats().rows, 0u);
  const torch::Tensor again = engine.forward(batch, 11, LookupMode::Train).embeddings.at("f");
  EXPECT_TRUE(torch::equal(first, again));
}

TEST(EmbeddingEngine, BadInputsNameTheFeatureAndColumn) {
  Engine engine({uniform_feature("f", 2).with_input("raw")}, {.threads = 1});
  Batch batch;
  try {
    engine.forward(batch, 1, LookupMode::Train);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("embedding 'f' (column 'raw')"), std::string::npos);
  }
  batch.set("raw", RaggedTensor(torch::tensor({1.5f}), {torch::tensor({0, 1}, torch::kInt64)}));
  EXPECT_THROW(engine.forward(batch, 1, LookupMode::Train), Error);
}

TEST(EmbeddingEngine, ConfigErrorsNameTheFeature) {
  EXPECT_THROW(Engine({uniform_feature("a", 0)}), ConfigError);
  EXPECT_THROW(Engine({uniform_feature("a", 2), uniform_feature("a", 2)}), ConfigError);
  EXPECT_THROW(Engine({uniform_feature("a", 2), uniform_feature("b", 4).with_shared_name("a")}),
               ConfigError);
  EXPECT_THROW(Engine({uniform_feature("a", 2).with_combiner(Combiner::Tile)}), ConfigError);
}

TEST(EmbeddingEngine, TablesMergeByShapeAndPolicy) {
  Engine engine({uniform_feature("a", 4), uniform_feature("b", 4), uniform_feature("c", 8),
                 uniform_feature("d", 4).with_dtype(ElementType::BF16),
                 uniform_feature("e", 4).with_shared_name("a")},
                {.slots = [](const std::string&, std::size_t dim) {
                   return std::vector<SlotSpec>{{"m", dim}};
                 }});
  ASSERT_EQ(engine.table_count(), 3u);
  EXPECT_EQ(engine.table(0).name(), "merged_d4_fp32_0");
  EXPECT_EQ(engine.table(0).children(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(engine.table(1).name(), "c");
  EXPECT_EQ(engine.table(2).name(), "d");
  EXPECT_EQ(engine.table(1).core().rows().layout().slots().at(0).width, 8u);
}

}  // namespace
}  // namespace recis::embedding

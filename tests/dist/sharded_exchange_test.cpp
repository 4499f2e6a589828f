// The sharded embedding exchange against a single engine: two ranks (threads of this process,
// each with its own Communicator over loopback) that each embed half of a batch give the single
// engine's outputs for their rows, and after backward the owners hold exactly the single
// engine's summed gradients and counts, each id on the one rank that owns it.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <thread>
#include <vector>

#include "recis/dist/communicator.h"
#include "recis/dist/free_port.h"
#include "recis/embedding/core/id_owner.h"
#include "recis/embedding/engine.h"

namespace recis::embedding {
namespace {

using ragged::Batch;
using ragged::RaggedTensor;

std::vector<EmbeddingOptions> features() {
  EmbeddingOptions a("a", 4), b("b", 4), c("c", 8), seq("seq", 4);
  for (EmbeddingOptions* f : {&a, &b, &c, &seq}) {
    f->initializer.kind = InitKind::Uniform;
    f->initializer.low = -1;
    f->initializer.high = 1;
  }
  b.with_combiner(Combiner::Mean);             // merged with a (same dim and options)
  seq.with_input("a").with_shared_name("a").with_combiner(Combiner::Tile, 3);  // reads a's rows
  return {a, b, c, seq};
}

// Rows [first, first + count) of a fixed random batch: ids from small vocabularies so that ids
// repeat within and across the halves.
Batch batch_rows(int64_t first, int64_t count) {
  std::mt19937_64 rng(7);
  Batch batch;
  for (const char* column : {"a", "b", "c"}) {
    std::vector<int64_t> values, offsets{0};
    for (int64_t row = 0; row < 64; ++row) {
      const int n = static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i) {
        const int64_t id = static_cast<int64_t>(rng() % 40);
        if (row >= first && row < first + count) values.push_back(id);
      }
      if (row >= first && row < first + count) offsets.push_back(static_cast<int64_t>(values.size()));
    }
    batch.set(column, RaggedTensor(torch::tensor(values, torch::kInt64), {torch::tensor(offsets)}));
  }
  return batch;
}

// A loss that weighs every output element differently, so every gradient row differs.
torch::Tensor weighted_loss(const EmbeddingOutputs& outputs, int64_t first_row) {
  torch::Tensor loss = torch::zeros({});
  for (const auto& [name, tensor] : outputs.embeddings) {
    const torch::Tensor flat = tensor.reshape({tensor.size(0), -1});
    const torch::Tensor rows = torch::arange(first_row, first_row + flat.size(0)).to(torch::kFloat32);
    const torch::Tensor cols = torch::arange(flat.size(1)).to(torch::kFloat32);
    loss = loss + (flat * torch::sin(rows.view({-1, 1}) * 0.7 + cols.view({1, -1}) * 1.3)).sum();
  }
  return loss;
}

struct Gradients {
  std::map<std::pair<std::string, int64_t>, std::vector<float>> values;  // (table, id) -> row
  std::map<std::pair<std::string, int64_t>, int64_t> counts;
};

void collect(Engine& engine, Gradients& into, int owner_rank, int world) {
  for (const SparseGrad& grad : engine.take_gradients()) {
    std::string table;
    for (std::size_t t = 0; t < engine.table_count(); ++t) {
      if (&engine.table(t).core() == grad.table) table = engine.table(t).name();
    }
    for (int64_t i = 0; i < grad.ids.size(0); ++i) {
      const int64_t id = grad.ids[i].item<int64_t>();
      if (world > 1) {
        EXPECT_EQ(owner_of_id(id, world), owner_rank) << table << " id " << id;
      }
      const torch::Tensor row = grad.values[i].contiguous();
      into.values[{table, id}] =
          std::vector<float>(row.data_ptr<float>(), row.data_ptr<float>() + row.numel());
      into.counts[{table, id}] = grad.counts[i].item<int64_t>();
    }
  }
}

TEST(ShardedExchange, TwoRanksEmbedAndAccumulateWhatOneEngineDoes) {
  EngineOptions single_options;
  single_options.seed = 3;
  single_options.threads = 1;
  Engine single(features(), single_options);
  const EmbeddingOutputs reference = single.forward(batch_rows(0, 64), 1, LookupMode::Train);
  weighted_loss(reference, 0).backward();
  single.accumulate_gradients();
  Gradients expected;
  collect(single, expected, 0, 1);

  const uint16_t port = dist::free_loopback_port();
  std::vector<EmbeddingOutputs> outputs(2);
  std::vector<Gradients> got(2);
  std::vector<std::string> failures(2);
  auto rank_main = [&](int rank) {
    try {
      dist::DistEnv env;
      env.rank = rank;
      env.world_size = 2;
      env.master_port = port;
      EngineOptions options = single_options;
      options.communicator = std::make_shared<dist::Communicator>(env, std::chrono::seconds(30));
      Engine engine(features(), options);
      // Rank 0 embeds rows 0..39, rank 1 rows 40..63 (unequal halves).
      const int64_t first = rank == 0 ? 0 : 40;
      const int64_t count = rank == 0 ? 40 : 24;
      outputs[rank] = engine.forward(batch_rows(first, count), 1, LookupMode::Train);
      weighted_loss(outputs[rank], first).backward();
      engine.accumulate_gradients();
      collect(engine, got[rank], rank, 2);
      // Evaluation with one rank idle: rank 1 only serves rank 0's lookups.
      if (rank == 0) {
        outputs[0] = engine.forward(batch_rows(0, 64), 2, LookupMode::Eval);
      } else {
        engine.serve_peers(2);
      }
    } catch (const std::exception& error) {
      failures[rank] = error.what();
    }
  };
  std::thread rank1(rank_main, 1);
  rank_main(0);
  rank1.join();
  ASSERT_EQ(failures[0], "");
  ASSERT_EQ(failures[1], "");

  // Gradients: every id of the single engine on exactly its owner, same sums and counts.
  Gradients merged;
  for (const Gradients& part : got) {
    for (const auto& [key, row] : part.values) {
      EXPECT_TRUE(merged.values.emplace(key, row).second) << key.first << " id " << key.second;
      merged.counts[key] = part.counts.at(key);
    }
  }
  ASSERT_GT(expected.values.size(), 60u);  // 40 ids of a/b (merged), 40 of c, most seen
  ASSERT_EQ(merged.values.size(), expected.values.size());
  for (const auto& [key, row] : expected.values) {
    ASSERT_TRUE(merged.values.contains(key)) << key.first << " id " << key.second;
    EXPECT_EQ(merged.counts.at(key), expected.counts.at(key)) << key.first << " id " << key.second;
    for (std::size_t i = 0; i < row.size(); ++i) {
      EXPECT_NEAR(merged.values.at(key)[i], row[i], 1e-5) << key.first << " id " << key.second;
    }
  }
  // The evaluation of the whole batch on rank 0 reads the rows training just created.
  const EmbeddingOutputs evaluated = single.forward(batch_rows(0, 64), 2, LookupMode::Eval);
  for (const auto& [name, tensor] : evaluated.embeddings) {
    EXPECT_TRUE(torch::allclose(outputs[0].embeddings.at(name), tensor, 1e-6, 1e-6)) << name;
  }
  EXPECT_TRUE(torch::equal(outputs[0].sequence_masks.at("seq"), evaluated.sequence_masks.at("seq")));
}

}  // namespace
}  // namespace recis::embedding

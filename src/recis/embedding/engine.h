// embedding::Engine (RecIS's EmbeddingEngine): every feature's embedding in one object. Built from
// one EmbeddingOptions per feature, it merges compatible features into physical tables
// (table_merging.h) and, per batch, does one pass per physical table: gather the ids of all its
// features (child-encoded when merged), deduplicate them, look the unique ids up (training admits
// and inserts; evaluation only finds), gather their rows into one tensor and combine each
// feature's output from it (combine.h). A local fp32 table whose features are all sum/mean skips
// the gather: the pooling reads its rows in place (bag_sum.h).
// Inputs per feature: a RaggedTensor of int64 ids (2 or 3 levels, optional weights) or a dense
// int64 tensor [B] or [B, F]. Outputs: name -> tensor, shapes as combine.h describes, and a
// padding mask per tile feature.
// Training: outputs take part in autograd. After loss.backward(), accumulate_gradients() adds
// each trainable table's gradient (per unique id, summed) to its accumulator; take_gradients()
// returns the sums for the sparse optimizer. There is never a dense gradient over a table.
// Distributed (EngineOptions::communicator of world size > 1): every table is sharded by id over
// the ranks; forward and accumulate_gradients exchange ids, rows and gradients with the owners
// (sharded_exchange.h), and each rank's tables, accumulators and optimizer hold only the rows it
// owns. All ranks then call forward (or serve_peers) and accumulate_gradients in lockstep.
// Thread-safety: one training thread calls forward/accumulate/take/evict; work inside is spread
// over the engine's pool.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "recis/common/thread_pool.h"
#include "recis/dist/communicator.h"
#include "recis/embedding/combine.h"
#include "recis/embedding/core/id_dedup.h"
#include "recis/embedding/embedding_options.h"
#include "recis/embedding/grad_accumulator.h"
#include "recis/embedding/sharded_exchange.h"
#include "recis/embedding/sparse_grad.h"
#include "recis/embedding/table.h"
#include "recis/embedding/table_merging.h"
#include "recis/ragged/batch.h"

namespace recis::embedding {

struct EngineOptions {
  uint64_t seed = 0;
  bool merge_tables = true;
  std::size_t threads = 0;  // 0: recis::configured_threads()
  // The optimizer state the rows of each physical table carry (optim::SparseOptimizer::slots),
  // given the table's name and dim; unset = none.
  std::function<std::vector<SlotSpec>(const std::string& table, std::size_t dim)> slots;
  // Set with world size > 1: the tables are sharded over the ranks (see above).
  std::shared_ptr<dist::Communicator> communicator;
  // Where tables with a memory budget and no disk_path of their own keep their disk tier. A
  // table's tier is the directory DIR/<table name> (with /rank<R> when sharded).
  std::filesystem::path disk_dir;
};

// What forward needs from a batch before it touches any table: per physical table, its
// features' ids (child-encoded when merged) deduplicated. A pure function of the batch, so a
// pipeline may prepare the next batch on another thread while the current one trains.
struct PreparedIds {
  struct Input {
    torch::Tensor ids;   // int64 [N], contiguous
    FeatureIds layout;   // positions filled in by forward
  };
  std::vector<std::vector<Input>> inputs;      // per table, per member feature
  std::vector<torch::Tensor> inverses;         // per table: position in unique of each id
  std::vector<std::vector<int64_t>> unique;    // per table
  std::vector<std::vector<uint32_t>> counts;   // per table: occurrences of each unique id
};

struct EmbeddingOutputs {
  std::map<std::string, torch::Tensor> embeddings;  // feature name -> its combined output
  // Tile features: bool [B, tile_len], true where the row has an entry (the rest is padding).
  std::map<std::string, torch::Tensor> sequence_masks;
};

class Engine {
 public:
  // Throws ConfigError for bad options (see plan_tables).
  explicit Engine(std::vector<EmbeddingOptions> features, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Throws recis::Error naming the feature and column when an input is missing or not int64 ids.
  EmbeddingOutputs forward(const ragged::Batch& batch, int64_t step, LookupMode mode);
  // forward in two parts: prepare() reads and deduplicates the batch's ids (thread-safe, touches
  // no table; `scratch` is the caller's, one per thread) and forward(prepared) does the rest.
  PreparedIds prepare(const ragged::Batch& batch, IdDedup& scratch) const;
  EmbeddingOutputs forward(PreparedIds prepared, int64_t step, LookupMode mode);
  // Distributed evaluation only: a rank without a batch of its own answers the other ranks'
  // Eval forward of the same step.
  void serve_peers(int64_t step);

  // After backward of the last Train forward: adds its gradients to the accumulators.
  void accumulate_gradients();
  // Forgets the last Train forward whose backward will not run (a skipped batch); the rows it
  // created stay.
  void discard_pending();
  // The accumulated gradient of every table that has one, leaving the accumulators empty.
  std::vector<SparseGrad> take_gradients();
  // The same for one table: nullopt when it has none.
  std::optional<SparseGrad> take_gradient(std::size_t table);

  // A checkpoint taken inside gradient accumulation: the sums so far, by table index ...
  std::vector<std::pair<std::size_t, SparseGrad>> accumulated_gradients() const;
  // ... and putting a saved sum back into an empty accumulator after the rows are restored (ids
  // int64 [n], counts int64 [n], values float32 [n, dim]). Throws Error naming the table when an
  // id has no row.
  void restore_accumulated_gradients(std::size_t table, const torch::Tensor& ids,
                                     const torch::Tensor& counts, const torch::Tensor& values);

  // Frees rows by TTL and capacity in every table (and brings tiered tables under budget).
  TableCore::Evicted evict(int64_t step);
  // Moves the coldest rows of every table over its memory budget to its disk tier. forward runs
  // it itself before its lookups whenever no gradient is pending or accumulating (row numbers
  // handed out earlier are then no longer in use).
  void enforce_memory_budgets();

  const std::vector<EmbeddingOptions>& features() const { return features_; }
  const MergePlan& plan() const { return plan_; }
  std::size_t table_count() const { return tables_.size(); }
  Table& table(std::size_t index) { return *tables_[index]; }
  const Table& table(std::size_t index) const { return *tables_[index]; }
  // Throws recis::Error naming the known tables when absent.
  Table& table(const std::string& name);
  ThreadPool& pool() { return *pool_; }
  // Null when the engine is not sharded.
  const ShardedExchange* exchange() const { return exchange_.get(); }
  void reset_exchange_stats() {
    if (exchange_) exchange_->reset_stats();
  }

 private:
  // The last Train forward's unique ids per table, kept until accumulate_gradients().
  struct Pending {
    torch::Tensor unique_rows;  // the autograd leaf
    std::vector<int64_t> ids, rows;
    std::vector<uint32_t> counts;
  };

  // Whether forward pools the table's rows straight from its storage (fused gather): fp32 rows
  // and only sum/mean features (tile and none read a gathered copy).
  bool pools_from_table(std::size_t table) const;

  std::vector<EmbeddingOptions> features_;
  MergePlan plan_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::vector<std::vector<std::size_t>> features_of_table_;
  std::vector<Pending> pending_;
  std::vector<GradAccumulator> accumulators_;
  std::unique_ptr<ThreadPool> pool_;
  std::unique_ptr<ShardedExchange> exchange_;  // distributed runs only
};

}  // namespace recis::embedding

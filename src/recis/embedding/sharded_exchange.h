// ShardedExchange: the embedding lookup of a distributed job, where every physical table's rows
// are spread over the ranks by id (core/id_owner.h) and each rank serves the rows it owns.
// Per batch, for all tables at once (three collectives however many tables there are):
//   1. each rank buckets its unique ids of every table by owner; an all_to_all of the counts,
//   2. an all_to_all of (id, occurrences) pairs to their owners,
//   3. owners deduplicate what they received (the same id from several ranks), look it up
//      (training admits and inserts with the summed occurrences; evaluation only finds) and an
//      all_to_all sends every requester its rows back, in the order it asked.
// Backward is the reverse: push_gradients() sends each row's gradient to its owner (one
// all_to_all for all trainable tables), and the owner sums them per id over the ranks and adds
// the sums to its table's accumulator, so the sparse optimizer updates only owned rows.
// Every rank must make the same calls in the same order, a rank without a batch included (it
// passes no ids and still answers the others).
// Used by embedding::Engine when its EngineOptions carry a communicator of world size > 1.
// Thread-safety: one training thread; lookups inside run on the engine's pool.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "recis/common/thread_pool.h"
#include "recis/dist/communicator.h"
#include "recis/embedding/grad_accumulator.h"
#include "recis/embedding/table.h"

namespace recis::embedding {

// What the exchanges of training lookups and their gradient pushes cost this rank.
struct ExchangeStats {
  int64_t lookups = 0;
  int64_t bytes_sent = 0;      // to other ranks: counts, ids, rows, gradients
  int64_t bytes_received = 0;
  double seconds = 0;          // in the collectives
  // 2 x this rank's unique ids x dim x 4 bytes: its rows fetched once and their gradients sent
  // once, the least any exchange must move (when every owner is remote).
  int64_t minimum_bytes = 0;
};

class ShardedExchange {
 public:
  ShardedExchange(std::shared_ptr<dist::Communicator> communicator, std::vector<Table*> tables);

  // ids[t], counts[t]: this rank's unique ids of table t and their occurrences. Returns, per
  // table, float32 [ids[t].size(), dim]: the owners' rows (zeros for ids without a row).
  std::vector<torch::Tensor> lookup(const std::vector<std::span<const int64_t>>& ids,
                                    const std::vector<std::span<const uint32_t>>& counts,
                                    int64_t step, LookupMode mode, ThreadPool& pool);
  // After backward of the last Train lookup: grads[t] is the gradient of lookup()'s result t
  // (undefined reads as zeros; entries of tables that are not trainable are ignored).
  void push_gradients(const std::vector<torch::Tensor>& grads,
                      std::vector<GradAccumulator>& accumulators);

  const dist::Communicator& communicator() const { return *communicator_; }
  const ExchangeStats& stats() const { return stats_; }
  void reset_stats() { stats_ = {}; }

 private:
  // What the last lookup sent, per table: positions of the unique ids in owner-major order.
  struct Sent {
    torch::Tensor order;            // int64 [n]
  };
  // What the last lookup served, per table, for the ids the other ranks asked this rank for.
  struct Served {
    std::vector<int64_t> ids;       // unique over the ranks' requests
    std::vector<int64_t> rows;
    std::vector<uint32_t> counts;   // summed occurrences
    torch::Tensor inverse;          // int64 [received]: received position -> index in ids
  };

  // Rows of table t in the segment of rank r, in send (as requester) or receive (as owner) terms.
  int64_t sent_rows(int rank, std::size_t table) const;
  int64_t received_rows(int rank, std::size_t table) const;

  std::shared_ptr<dist::Communicator> communicator_;
  std::vector<Table*> tables_;
  std::vector<Sent> sent_;
  std::vector<Served> served_;
  torch::Tensor send_counts_;     // int64 [world, tables]: ids sent to each owner
  torch::Tensor receive_counts_;  // int64 [world, tables]: ids received from each requester
  bool train_lookup_ = false;     // whether the last lookup may be followed by push_gradients
  ExchangeStats stats_;
  // Adds the communicator's traffic since `before` to stats_ (training exchanges only).
  void count_since(const dist::CommunicatorStats& before);
};

}  // namespace recis::embedding

#include "recis/embedding/sharded_exchange.h"

#include "recis/common/error.h"
#include "recis/embedding/core/id_dedup.h"
#include "recis/embedding/core/id_owner.h"

namespace recis::embedding {
namespace {

// Concatenates per-(rank, table) pieces, rank-major, skipping empty ones.
torch::Tensor concat_or_empty(std::vector<torch::Tensor>& pieces, torch::TensorOptions options,
                              int64_t width) {
  if (pieces.empty()) return torch::empty({0, width}, options);
  return torch::cat(pieces);
}

// Where each (rank, table) segment of a rank-major, then table-major buffer starts, from the
// int64 [world, tables] row counts.
std::vector<int64_t> segment_starts(const torch::Tensor& counts) {
  const int64_t* rows = counts.data_ptr<int64_t>();
  std::vector<int64_t> starts(static_cast<std::size_t>(counts.numel()));
  int64_t offset = 0;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    starts[i] = offset;
    offset += rows[i];
  }
  return starts;
}

}  // namespace

ShardedExchange::ShardedExchange(std::shared_ptr<dist::Communicator> communicator,
                                 std::vector<Table*> tables)
    : communicator_(std::move(communicator)),
      tables_(std::move(tables)),
      sent_(tables_.size()),
      served_(tables_.size()) {}

void ShardedExchange::count_since(const dist::CommunicatorStats& before) {
  const dist::CommunicatorStats& now = communicator_->stats();
  stats_.bytes_sent += now.bytes_sent - before.bytes_sent;
  stats_.bytes_received += now.bytes_received - before.bytes_received;
  stats_.seconds += now.seconds - before.seconds;
}

int64_t ShardedExchange::sent_rows(int rank, std::size_t table) const {
  return send_counts_.data_ptr<int64_t>()[rank * static_cast<int64_t>(tables_.size()) +
                                          static_cast<int64_t>(table)];
}

int64_t ShardedExchange::received_rows(int rank, std::size_t table) const {
  return receive_counts_.data_ptr<int64_t>()[rank * static_cast<int64_t>(tables_.size()) +
                                             static_cast<int64_t>(table)];
}

std::vector<torch::Tensor> ShardedExchange::lookup(
    const std::vector<std::span<const int64_t>>& ids,
    const std::vector<std::span<const uint32_t>>& counts, int64_t step, LookupMode mode,
    ThreadPool& pool) {
  const int world = communicator_->world_size();
  const auto table_count = static_cast<int64_t>(tables_.size());
  dist::Communicator& comm = *communicator_;
  const dist::CommunicatorStats before = comm.stats();

  // 1. Bucket every table's unique ids by owner; exchange the counts.
  send_counts_ = torch::zeros({world, table_count}, torch::kInt64);
  int64_t* send_counts = send_counts_.data_ptr<int64_t>();
  std::vector<std::vector<int>> owners(tables_.size());
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    owners[t].resize(ids[t].size());
    for (std::size_t i = 0; i < ids[t].size(); ++i) {
      owners[t][i] = owner_of_id(ids[t][i], world);
      ++send_counts[owners[t][i] * table_count + static_cast<int64_t>(t)];
    }
  }
  const std::vector<int64_t> one_row_each(static_cast<std::size_t>(world), 1);
  receive_counts_ = comm.all_to_all(send_counts_, one_row_each, one_row_each, "embedding id counts");

  // 2. (id, occurrences) pairs, owner-major then table-major; remember each table's order.
  std::vector<int64_t> send_ids_per_rank(static_cast<std::size_t>(world), 0);
  std::vector<int64_t> receive_ids_per_rank(static_cast<std::size_t>(world), 0);
  for (int r = 0; r < world; ++r) {
    for (std::size_t t = 0; t < tables_.size(); ++t) {
      send_ids_per_rank[r] += sent_rows(r, t);
      receive_ids_per_rank[r] += received_rows(r, t);
    }
  }
  int64_t total_sent = 0;
  for (int64_t n : send_ids_per_rank) total_sent += n;
  torch::Tensor send_pairs = torch::empty({total_sent, 2}, torch::kInt64);
  int64_t* pairs = send_pairs.data_ptr<int64_t>();
  // The next free slot of each (rank, table) segment of send_pairs.
  std::vector<int64_t> cursor = segment_starts(send_counts_);
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    // Positions in owner-major order: the segment of owner r holds its ids in input order.
    std::vector<int64_t> segment_start(static_cast<std::size_t>(world));
    int64_t position = 0;
    for (int r = 0; r < world; ++r) {
      segment_start[r] = position;
      position += sent_rows(r, t);
    }
    sent_[t].order = torch::empty({static_cast<int64_t>(ids[t].size())}, torch::kInt64);
    int64_t* order = sent_[t].order.data_ptr<int64_t>();
    for (std::size_t i = 0; i < ids[t].size(); ++i) {
      const int owner = owners[t][i];
      order[segment_start[owner]++] = static_cast<int64_t>(i);
      int64_t& slot = cursor[owner * table_count + static_cast<int64_t>(t)];
      pairs[2 * slot] = ids[t][i];
      pairs[2 * slot + 1] = counts[t].empty() ? 1 : counts[t][i];
      ++slot;
    }
  }
  const torch::Tensor received =
      comm.all_to_all(send_pairs, send_ids_per_rank, receive_ids_per_rank, "embedding ids");

  // 3. Serve: per table, the requests of all ranks deduplicated, looked up and answered.
  const int64_t* received_pairs = received.data_ptr<int64_t>();
  const std::vector<int64_t> received_start = segment_starts(receive_counts_);
  std::vector<torch::Tensor> answers(tables_.size());  // per table, rows in received order
  IdDedup dedup;
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    std::vector<int64_t> requested;
    std::vector<int64_t> occurrences;
    for (int r = 0; r < world; ++r) {
      const int64_t start = received_start[r * table_count + static_cast<int64_t>(t)];
      for (int64_t k = 0; k < received_rows(r, t); ++k) {
        requested.push_back(received_pairs[2 * (start + k)]);
        occurrences.push_back(received_pairs[2 * (start + k) + 1]);
      }
    }
    Served& served = served_[t];
    served.inverse = torch::empty({static_cast<int64_t>(requested.size())}, torch::kInt64);
    int64_t* inverse = served.inverse.data_ptr<int64_t>();
    dedup.run(requested, std::span<int64_t>(inverse, requested.size()));
    served.ids = dedup.unique();
    served.counts.assign(served.ids.size(), 0);
    for (std::size_t k = 0; k < requested.size(); ++k) {
      served.counts[static_cast<std::size_t>(inverse[k])] += static_cast<uint32_t>(occurrences[k]);
    }
    served.rows.assign(served.ids.size(), TableCore::kNoRow);
    tables_[t]->lookup(served.ids, served.counts, step, mode, served.rows, pool);
    answers[t] = tables_[t]->gather(served.rows, pool).index_select(0, served.inverse);
  }
  std::vector<torch::Tensor> reply_pieces;
  std::vector<int64_t> reply_floats(static_cast<std::size_t>(world), 0);
  std::vector<int64_t> answer_floats(static_cast<std::size_t>(world), 0);
  std::vector<int64_t> answered(tables_.size(), 0);  // per table, received rows answered so far
  for (int r = 0; r < world; ++r) {
    for (std::size_t t = 0; t < tables_.size(); ++t) {
      const int64_t n = received_rows(r, t);
      const auto dim = static_cast<int64_t>(tables_[t]->dim());
      if (n > 0) reply_pieces.push_back(answers[t].narrow(0, answered[t], n).reshape(-1));
      answered[t] += n;
      reply_floats[r] += n * dim;
      answer_floats[r] += sent_rows(r, t) * dim;
    }
  }
  const torch::Tensor reply = concat_or_empty(reply_pieces, torch::kFloat32, 0).reshape(-1);
  const torch::Tensor answer =
      comm.all_to_all(reply, reply_floats, answer_floats, "embedding rows");

  // Each table's rows back in the order of its unique ids.
  std::vector<torch::Tensor> results(tables_.size());
  std::vector<std::vector<torch::Tensor>> pieces(tables_.size());
  int64_t offset = 0;
  for (int r = 0; r < world; ++r) {
    for (std::size_t t = 0; t < tables_.size(); ++t) {
      const auto dim = static_cast<int64_t>(tables_[t]->dim());
      const int64_t n = sent_rows(r, t);
      if (n > 0) pieces[t].push_back(answer.narrow(0, offset, n * dim).view({n, dim}));
      offset += n * dim;
    }
  }
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    const auto dim = static_cast<int64_t>(tables_[t]->dim());
    const torch::Tensor in_order = concat_or_empty(pieces[t], torch::kFloat32, dim);
    results[t] = torch::empty({static_cast<int64_t>(ids[t].size()), dim}, torch::kFloat32);
    results[t].index_copy_(0, sent_[t].order, in_order);
  }
  train_lookup_ = mode == LookupMode::Train;
  if (train_lookup_) {
    ++stats_.lookups;
    count_since(before);
    for (std::size_t t = 0; t < tables_.size(); ++t) {
      stats_.minimum_bytes +=
          2 * static_cast<int64_t>(ids[t].size() * tables_[t]->dim() * sizeof(float));
    }
  }
  return results;
}

void ShardedExchange::push_gradients(const std::vector<torch::Tensor>& grads,
                                     std::vector<GradAccumulator>& accumulators) {
  if (!train_lookup_) {
    throw Error("embedding: push_gradients without a preceding training lookup");
  }
  train_lookup_ = false;
  const int world = communicator_->world_size();
  const dist::CommunicatorStats before = communicator_->stats();
  std::vector<torch::Tensor> by_owner(tables_.size());
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    if (!tables_[t]->trainable()) continue;
    const auto dim = static_cast<int64_t>(tables_[t]->dim());
    const int64_t n = sent_[t].order.numel();
    by_owner[t] = grads[t].defined()
                      ? grads[t].to(torch::kFloat32).index_select(0, sent_[t].order)
                      : torch::zeros({n, dim}, torch::kFloat32);
  }
  std::vector<torch::Tensor> pieces;
  std::vector<int64_t> send_floats(static_cast<std::size_t>(world), 0);
  std::vector<int64_t> receive_floats(static_cast<std::size_t>(world), 0);
  std::vector<int64_t> first(tables_.size(), 0);
  for (int r = 0; r < world; ++r) {
    for (std::size_t t = 0; t < tables_.size(); ++t) {
      if (!tables_[t]->trainable()) continue;
      const auto dim = static_cast<int64_t>(tables_[t]->dim());
      const int64_t n = sent_rows(r, t);
      if (n > 0) pieces.push_back(by_owner[t].narrow(0, first[t], n).reshape(-1));
      first[t] += n;
      send_floats[r] += n * dim;
      receive_floats[r] += received_rows(r, t) * dim;
    }
  }
  const torch::Tensor send = concat_or_empty(pieces, torch::kFloat32, 0).reshape(-1);
  const torch::Tensor received =
      communicator_->all_to_all(send, send_floats, receive_floats, "embedding gradients");
  count_since(before);

  std::vector<std::vector<torch::Tensor>> per_table(tables_.size());
  int64_t offset = 0;
  for (int r = 0; r < world; ++r) {
    for (std::size_t t = 0; t < tables_.size(); ++t) {
      if (!tables_[t]->trainable()) continue;
      const auto dim = static_cast<int64_t>(tables_[t]->dim());
      const int64_t n = received_rows(r, t);
      if (n > 0) per_table[t].push_back(received.narrow(0, offset, n * dim).view({n, dim}));
      offset += n * dim;
    }
  }
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    Served& served = served_[t];
    if (!tables_[t]->trainable() || served.ids.empty()) continue;
    const auto dim = static_cast<int64_t>(tables_[t]->dim());
    const torch::Tensor requested = concat_or_empty(per_table[t], torch::kFloat32, dim);
    torch::Tensor summed = torch::zeros({static_cast<int64_t>(served.ids.size()), dim});
    summed.index_add_(0, served.inverse, requested);
    accumulators[t].add(served.ids, served.rows, served.counts, summed);
  }
}

}  // namespace recis::embedding

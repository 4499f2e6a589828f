// Communicator: this process's link to the other ranks of a distributed job: a c10d TCPStore
// (rank 0 serves it, or torchrun's agent does) and a ProcessGroupGloo over TCP. It offers the few
// collectives RecIS needs, on CPU tensors, each waited for with the job's timeout:
//   all_to_all   rows of a tensor to every rank (the embedding exchange),
//   all_reduce_sum   in place (dense gradients, counters),
//   broadcast        in place from one rank (the Python Trainer's starting dense state),
//   all_gather_rows  variable-length rows from every rank (evaluation predictions),
//   and the store's set/get (small text, e.g. checkpoint manifests).
// A rank that died or hangs makes every collective of the others fail within the timeout with a
// recis::Error naming this rank, the collective and what it carried; none waits forever.
// Made by the CLI from DistEnv (or by tests), or adopting the process group of Python's
// torch.distributed (the recis package); shared by the trainer and the embedding engine.
// Counts the bytes it sent to and received from other ranks and the time spent waiting (stats()).
// Thread-safety: one thread issues collectives; all ranks must issue the same ones in order.
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "recis/dist/dist_env.h"

namespace c10d {
class ProcessGroup;
class Store;
}  // namespace c10d

namespace recis::dist {

struct CommunicatorStats {
  int64_t calls = 0;
  int64_t bytes_sent = 0;      // to other ranks (a rank's own share is not counted)
  int64_t bytes_received = 0;  // from other ranks
  double seconds = 0;          // inside collectives, waiting included
};

class Communicator {
 public:
  // Connects to the job's store and forms the process group; throws Error naming MASTER_ADDR and
  // MASTER_PORT when the other ranks do not arrive within `timeout`.
  Communicator(const DistEnv& env, std::chrono::milliseconds timeout);
  // Adopts a process group formed elsewhere — Python's torch.distributed default group and its
  // store (recis._C.adopt_process_group) — instead of forming one: collectives run on `group`,
  // store keys go under "recis/" in `store`. Rank and world size are the group's.
  Communicator(c10::intrusive_ptr<c10d::ProcessGroup> group, c10::intrusive_ptr<c10d::Store> store,
               std::chrono::milliseconds timeout);
  ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  const DistEnv& env() const { return env_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  // send: [sum(send_rows), ...] contiguous, send_rows[r] leading rows for rank r in rank order.
  // Returns [sum(recv_rows), ...]: recv_rows[r] rows from rank r, in rank order. `what` names the
  // payload in errors.
  torch::Tensor all_to_all(const torch::Tensor& send, const std::vector<int64_t>& send_rows,
                           const std::vector<int64_t>& recv_rows, const char* what);
  // Each tensor summed over all ranks, in place (contiguous float or int64).
  void all_reduce_sum(std::vector<torch::Tensor>& tensors, const char* what);
  // Each tensor replaced by rank `source`'s, in place (contiguous, same shape on all ranks).
  void broadcast(std::vector<torch::Tensor>& tensors, int source, const char* what);
  // Every rank's rows (any count, same trailing shape and dtype) concatenated in rank order.
  torch::Tensor all_gather_rows(const torch::Tensor& rows, const char* what);

  void store_set(const std::string& key, const std::string& value);
  // Waits for the key up to the timeout.
  std::string store_get(const std::string& key);

  const CommunicatorStats& stats() const { return stats_; }
  void reset_stats() { stats_ = {}; }

 private:
  // Every rank's tensor (the same shape on all ranks), in rank order.
  std::vector<torch::Tensor> all_gather_equal(const torch::Tensor& tensor, const char* what);

  struct Impl;
  DistEnv env_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<Impl> impl_;
  CommunicatorStats stats_;
};

}  // namespace recis::dist

#include "recis/dist/communicator.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <algorithm>
#include <cstdlib>
#include <numeric>

#include "recis/common/error.h"

namespace recis::dist {
namespace {

using Clock = std::chrono::steady_clock;

std::string describe(const std::exception& error) {
  std::string text = error.what();
  // c10 errors append a C++ backtrace after the first line; the first line is the cause.
  if (const auto newline = text.find('\n'); newline != std::string::npos) text.resize(newline);
  return text;
}

int64_t row_bytes(const torch::Tensor& tensor) {
  return tensor.dim() == 0 ? 0 : tensor.numel() / std::max<int64_t>(1, tensor.size(0)) *
                                     static_cast<int64_t>(tensor.element_size());
}

}  // namespace

struct Communicator::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> group;
};

Communicator::Communicator(const DistEnv& env, std::chrono::milliseconds timeout)
    : env_(env), timeout_(timeout), impl_(std::make_unique<Impl>()) {
  const std::string where = "dist: rank " + std::to_string(env.rank) + "/" +
                            std::to_string(env.world_size) + " at " + env.master_addr + ":" +
                            std::to_string(env.master_port);
  try {
    c10d::TCPStoreOptions options;
    options.port = env.master_port;
    options.isServer = !env.agent_store && env.rank == 0;
    options.numWorkers = env.agent_store ? c10::nullopt : c10::optional<std::size_t>(env.world_size);
    options.waitWorkers = !env.agent_store;
    options.timeout = timeout;
    c10::intrusive_ptr<c10d::Store> store =
        c10::make_intrusive<c10d::TCPStore>(env.master_addr, options);
    if (env.agent_store) {
      store = c10::make_intrusive<c10d::PrefixStore>(
          "/worker/attempt_" + std::to_string(env.restart_count), store);
    }
    impl_->store = c10::make_intrusive<c10d::PrefixStore>("recis", store);
    auto group_options = c10d::ProcessGroupGloo::Options::create(timeout);
    // GLOO_SOCKET_IFNAME picks the interface, as in PyTorch; loopback jobs stay on loopback;
    // others use the host's address.
    const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
    const bool loopback = env.master_addr == "127.0.0.1" || env.master_addr == "localhost";
    group_options->devices.push_back(
        interface != nullptr && *interface != '\0'
            ? c10d::ProcessGroupGloo::createDeviceForInterface(interface)
        : loopback ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                   : c10d::ProcessGroupGloo::createDefaultDevice());
    group_options->threads = 1;
    impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, env.rank,
                                                               env.world_size, group_options);
  } catch (const std::exception& error) {
    throw Error(where + ": could not form the process group within " +
                std::to_string(timeout.count() / 1000) + " s: " + describe(error));
  }
}

Communicator::Communicator(c10::intrusive_ptr<c10d::ProcessGroup> group,
                           c10::intrusive_ptr<c10d::Store> store, std::chrono::milliseconds timeout)
    : timeout_(timeout), impl_(std::make_unique<Impl>()) {
  if (!group || !store) throw Error("dist: adopting a process group needs the group and its store");
  env_.rank = group->getRank();
  env_.world_size = group->getSize();
  impl_->store = c10::make_intrusive<c10d::PrefixStore>("recis", std::move(store));
  impl_->group = std::move(group);
}

Communicator::~Communicator() = default;

namespace {

// Waits for `work`, turning a failure or a timeout into one Error line.
void wait_for(const c10::intrusive_ptr<c10d::Work>& work, const DistEnv& env,
              std::chrono::milliseconds timeout, const char* collective, const char* what,
              CommunicatorStats& stats, Clock::time_point start) {
  try {
    work->wait(timeout);
  } catch (const std::exception& error) {
    throw Error("dist: rank " + std::to_string(env.rank) + "/" + std::to_string(env.world_size) +
                ": " + collective + " of " + what + " failed: " + describe(error) +
                " (another rank died or did not answer within " +
                std::to_string(timeout.count() / 1000) + " s)");
  }
  ++stats.calls;
  stats.seconds += std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

torch::Tensor Communicator::all_to_all(const torch::Tensor& send,
                                       const std::vector<int64_t>& send_rows,
                                       const std::vector<int64_t>& recv_rows, const char* what) {
  const Clock::time_point start = Clock::now();
  std::vector<int64_t> input_counts = send_rows;
  std::vector<int64_t> output_counts = recv_rows;
  const int64_t total = std::accumulate(recv_rows.begin(), recv_rows.end(), int64_t{0});
  std::vector<int64_t> shape = send.sizes().vec();
  if (shape.empty()) throw Error(std::string("dist: all_to_all of ") + what + ": a 0-d tensor");
  shape[0] = total;
  torch::Tensor input = send.contiguous();
  torch::Tensor output = torch::empty(shape, send.options());
  const int64_t bytes_per_row = row_bytes(send);
  for (int r = 0; r < env_.world_size; ++r) {
    if (r == env_.rank) continue;
    stats_.bytes_sent += send_rows[r] * bytes_per_row;
    stats_.bytes_received += recv_rows[r] * bytes_per_row;
  }
  wait_for(impl_->group->alltoall_base(output, input, output_counts, input_counts), env_,
           timeout_, "all_to_all", what, stats_, start);
  return output;
}

std::vector<torch::Tensor> Communicator::all_gather_equal(const torch::Tensor& tensor,
                                                          const char* what) {
  const Clock::time_point start = Clock::now();
  std::vector<torch::Tensor> inputs{tensor.contiguous()};
  std::vector<std::vector<torch::Tensor>> outputs(1);
  for (int r = 0; r < env_.world_size; ++r) outputs[0].push_back(torch::empty_like(inputs[0]));
  const int64_t bytes =
      inputs[0].numel() * static_cast<int64_t>(inputs[0].element_size()) * (env_.world_size - 1);
  stats_.bytes_sent += bytes;
  stats_.bytes_received += bytes;
  wait_for(impl_->group->allgather(outputs, inputs), env_, timeout_, "all_gather", what, stats_,
           start);
  return std::move(outputs[0]);
}

namespace {

// Runs one collective per tensor, each alone and in place: start(one) issues it on {tensor}.
template <typename Start>
void each_in_place(std::vector<torch::Tensor>& tensors, const char* collective, const char* what,
                   const DistEnv& env, std::chrono::milliseconds timeout, CommunicatorStats& stats,
                   Start start) {
  for (torch::Tensor& tensor : tensors) {
    const Clock::time_point began = Clock::now();
    if (!tensor.is_contiguous()) {
      throw Error(std::string("dist: ") + collective + " of " + what +
                  ": tensors must be contiguous");
    }
    std::vector<torch::Tensor> one{tensor};
    wait_for(start(one), env, timeout, collective, what, stats, began);
  }
}

int64_t bytes_of(const torch::Tensor& tensor) {
  return tensor.numel() * static_cast<int64_t>(tensor.element_size());
}

}  // namespace

void Communicator::all_reduce_sum(std::vector<torch::Tensor>& tensors, const char* what) {
  each_in_place(tensors, "all_reduce", what, env_, timeout_, stats_,
                [&](std::vector<torch::Tensor>& one) {
                  stats_.bytes_sent += bytes_of(one[0]);
                  stats_.bytes_received += bytes_of(one[0]);
                  return impl_->group->allreduce(one);
                });
}

void Communicator::broadcast(std::vector<torch::Tensor>& tensors, int source, const char* what) {
  if (source < 0 || source >= env_.world_size) {
    throw Error(std::string("dist: broadcast of ") + what + ": source rank " +
                std::to_string(source) + " is not in 0.." + std::to_string(env_.world_size - 1));
  }
  c10d::BroadcastOptions options;
  options.rootRank = source;
  each_in_place(tensors, "broadcast", what, env_, timeout_, stats_,
                [&](std::vector<torch::Tensor>& one) {
                  (env_.rank == source ? stats_.bytes_sent : stats_.bytes_received) +=
                      bytes_of(one[0]);
                  return impl_->group->broadcast(one, options);
                });
}

torch::Tensor Communicator::all_gather_rows(const torch::Tensor& rows, const char* what) {
  const std::vector<torch::Tensor> sizes = all_gather_equal(torch::tensor({rows.size(0)}), what);
  int64_t longest = 0;
  for (const torch::Tensor& size : sizes) longest = std::max(longest, size.item<int64_t>());
  std::vector<int64_t> shape = rows.sizes().vec();
  shape[0] = longest;
  torch::Tensor padded = torch::zeros(shape, rows.options());
  padded.narrow(0, 0, rows.size(0)).copy_(rows);
  const std::vector<torch::Tensor> gathered = all_gather_equal(padded, what);
  std::vector<torch::Tensor> parts;
  for (int r = 0; r < env_.world_size; ++r) {
    parts.push_back(gathered[r].narrow(0, 0, sizes[r].item<int64_t>()));
  }
  return torch::cat(parts);
}

void Communicator::store_set(const std::string& key, const std::string& value) {
  try {
    impl_->store->set(key, std::vector<uint8_t>(value.begin(), value.end()));
  } catch (const std::exception& error) {
    throw Error("dist: rank " + std::to_string(env_.rank) + ": store set '" + key +
                "' failed: " + describe(error));
  }
}

std::string Communicator::store_get(const std::string& key) {
  try {
    const std::vector<uint8_t> value = impl_->store->get(key);
    return std::string(value.begin(), value.end());
  } catch (const std::exception& error) {
    throw Error("dist: rank " + std::to_string(env_.rank) + ": store get '" + key +
                "' failed: " + describe(error) + " (another rank died or did not answer within " +
                std::to_string(timeout_.count() / 1000) + " s)");
  }
}

}  // namespace recis::dist

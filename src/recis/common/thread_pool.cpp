#include "recis/common/thread_pool.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>

#include "recis/common/cpu_quota.h"
#include "recis/common/logging.h"

namespace recis {
namespace {
thread_local const ThreadPool* t_current_pool = nullptr;

std::size_t affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int count = CPU_COUNT(&set);
    if (count > 0) return static_cast<std::size_t>(count);
  }
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}
}  // namespace

std::size_t available_cpus() {
  const std::size_t affinity = affinity_cpus();
  const std::optional<CpuQuota> quota = process_cpu_quota();
  if (!quota || quota->threads >= affinity) return affinity;
  static std::once_flag logged;
  std::call_once(logged, [&] {
    RECIS_LOG(Info) << "CPUs: " << quota->threads << " from the cgroup CPU quota of " << quota->cpus
                    << " CPUs (" << affinity << " in the affinity mask)";
  });
  return quota->threads;
}

ThreadPool::ThreadPool(std::size_t num_threads) {
  workers_.reserve(num_threads);
  for (std::size_t i = 0; i < num_threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void ThreadPool::enqueue(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.push(std::move(task));
  }
  wake_.notify_one();
}

void ThreadPool::worker_loop() {
  t_current_pool = this;
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop();
    }
    task();
  }
}

void ThreadPool::parallel_for(std::size_t n, std::size_t grain,
                              const std::function<void(std::size_t, std::size_t)>& body) {
  if (n == 0) return;
  grain = std::max<std::size_t>(grain, 1);
  const std::size_t max_chunks = (n + grain - 1) / grain;
  const std::size_t chunks = std::min(max_chunks, workers_.size() + 1);
  if (chunks <= 1 || t_current_pool == this) {
    body(0, n);
    return;
  }
  const std::size_t per_chunk = (n + chunks - 1) / chunks;
  std::vector<std::future<void>> pending;
  pending.reserve(chunks - 1);
  for (std::size_t c = 1; c < chunks; ++c) {
    const std::size_t begin = c * per_chunk;
    const std::size_t end = std::min(n, begin + per_chunk);
    if (begin >= end) break;
    pending.push_back(submit([&body, begin, end] { body(begin, end); }));
  }
  std::exception_ptr first_error;
  try {
    body(0, std::min(n, per_chunk));
  } catch (...) {
    first_error = std::current_exception();
  }
  for (auto& f : pending) {
    try {
      f.get();
    } catch (...) {
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace recis

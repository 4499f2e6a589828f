// ThreadPool: a fixed set of worker threads running submitted tasks in FIFO order, plus
// parallel_for, which splits [0, n) into chunks run on the workers and the calling thread.
// Used by the ORC scanner, the dataset's decode threads, the feature engine and the row updates.
// Thread-safety: submit() and parallel_for() may be called from any thread, including from inside
// a task (parallel_for then runs its chunks inline to avoid waiting on itself).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace recis {

// CPUs this process may use: its sched affinity, capped by a cgroup CPU quota (rounded up; logged
// once when it caps), at least 1.
std::size_t available_cpus();

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  std::size_t size() const { return workers_.size(); }

  template <typename F>
  auto submit(F&& task) -> std::future<decltype(task())> {
    using Result = decltype(task());
    auto packaged = std::make_shared<std::packaged_task<Result()>>(std::forward<F>(task));
    std::future<Result> result = packaged->get_future();
    enqueue([packaged] { (*packaged)(); });
    return result;
  }

  // Calls body(begin, end) over chunks of [0, n) of at least `grain` items, spread over the
  // workers and the caller; returns when all chunks are done and rethrows the first exception.
  void parallel_for(std::size_t n, std::size_t grain,
                    const std::function<void(std::size_t, std::size_t)>& body);

 private:
  void enqueue(std::function<void()> task);
  void worker_loop();

  std::vector<std::thread> workers_;
  std::queue<std::function<void()>> tasks_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace recis

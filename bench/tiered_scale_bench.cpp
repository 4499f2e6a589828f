// `recis bench tiered-scale [--ids N] [--memory SIZE] [--batch N] [--dir PATH]`: a table that
// cannot fit: dim 16 with Adam's two slots (200-byte rows; 100M ids, the default, take about
// 20 GB all in RAM) trained within a RAM budget of SIZE (default 4GiB), the rest in its disk
// tier under PATH (default the system temp dir). Each step looks up `batch` unique ids: half never
// seen before (the next ids of 0..N-1, so every id is inserted once), half drawn Zipf(1.05) from
// the ids seen so far (a few hot ids, a long tail); gives each a gradient from its row, updates
// the rows with the real sparse Adam and brings the table under budget, as a training step does.
// Prints the table's own RAM (id map, row blocks, RocksDB's memtables, cache, filters and
// indexes) and the process's RSS every few steps (the curve) and, last, rows/s with the peak RSS
// against the budget. Not a ratio bench: the all-in-RAM baseline cannot run on this machine.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "bench_flags.h"
#include "bench_registry.h"
#include "recis/common/error.h"
#include "recis/common/thread_pool.h"
#include "recis/common/threads.h"
#include "recis/datagen/counter_random.h"
#include "recis/datagen/zipf_sampler.h"
#include "recis/embedding/embedding_options.h"
#include "recis/embedding/table.h"
#include "recis/optim/adam.h"
#include "scratch_dir.h"

namespace recis::bench {
namespace {

constexpr std::size_t kDim = 16;

// The process's resident set now and at its peak, in MB (/proc/self/status).
std::pair<double, double> rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string key;
  double now = 0, peak = 0;
  while (status >> key) {
    double kb = 0;
    if (key == "VmRSS:" && status >> kb) now = kb / 1024;
    if (key == "VmHWM:" && status >> kb) peak = kb / 1024;
  }
  return {now, peak};
}

int run(const std::vector<std::string>& args) {
  std::size_t ids = 100'000'000, batch = 1'000'000;
  std::string memory_text = "4GiB", dir_text;
  parse_bench_flags("tiered-scale", args,
                    {positive_integer_flag("--ids", &ids), positive_integer_flag("--batch", &batch),
                     string_flag("--memory", &memory_text), string_flag("--dir", &dir_text)});
  const std::size_t memory = embedding::parse_byte_size(memory_text, "--memory");
  const ScratchDir scratch("tiered-scale");
  const std::filesystem::path dir = dir_text.empty() ? scratch.path() : std::filesystem::path(dir_text);

  optim::SparseOptimizerOptions adam_options;
  adam_options.lr = 1e-3;
  optim::Adam adam(adam_options);
  embedding::TableOptions options;
  options.table_id = 1;
  options.dim = kDim;
  options.slots = adam.slots(kDim);
  options.initializer.kind = embedding::InitKind::Uniform;
  options.initializer.low = -0.05;
  options.initializer.high = 0.05;
  const embedding::RowLayout layout(kDim, embedding::ElementType::F32, options.slots);
  embedding::MemoryBudget budget;
  budget.bytes = memory;
  options.tier.memory_rows = budget.rows_for(layout.row_bytes());
  options.tier.disk_path = dir / "tier";
  embedding::Table table("scale", {"scale"}, true, options);
  ThreadPool pool(configured_threads() - 1);

  datagen::ZipfSampler zipf(ids, 1.05);
  datagen::CounterRandom random(7);
  std::printf("%zu ids x dim %zu, Adam (%zu-byte rows, %.1f GB all in RAM); budget %s = %zu rows "
              "in RAM; batches of %zu unique ids\n",
              ids, kDim, layout.row_bytes(), static_cast<double>(ids) * layout.row_bytes() / 1e9,
              memory_text.c_str(), options.tier.memory_rows, batch);
  std::printf("%8s %12s %12s %12s %10s %10s %10s %8s\n", "step", "ids seen", "RAM rows",
              "disk rows", "table MB", "RSS MB", "peak MB", "s");
  const auto start = std::chrono::steady_clock::now();
  int64_t next_id = 0, step = 0;
  std::vector<int64_t> batch_ids, rows;
  std::size_t looked_up = 0;
  while (next_id < static_cast<int64_t>(ids)) {
    ++step;
    batch_ids.clear();
    const int64_t fresh = std::min<int64_t>(static_cast<int64_t>(batch / 2), static_cast<int64_t>(ids) - next_id);
    for (int64_t k = 0; k < fresh; ++k) batch_ids.push_back(next_id + k);
    for (std::size_t k = 0; k < batch / 2 && next_id > 0; ++k) {
      batch_ids.push_back(static_cast<int64_t>(zipf.sample(random) % static_cast<uint64_t>(next_id)));
    }
    next_id += fresh;
    std::sort(batch_ids.begin(), batch_ids.end());
    batch_ids.erase(std::unique(batch_ids.begin(), batch_ids.end()), batch_ids.end());
    const auto n = static_cast<int64_t>(batch_ids.size());
    looked_up += batch_ids.size();

    table.core().enforce_budget();
    rows.assign(batch_ids.size(), 0);
    table.lookup(batch_ids, {}, step, embedding::LookupMode::Train, rows, pool);
    const torch::Tensor values = table.gather(rows, pool);
    embedding::SparseGrad grad{&table.core(),
                               torch::from_blob(batch_ids.data(), {n}, torch::kInt64).clone(),
                               torch::from_blob(rows.data(), {n}, torch::kInt64).clone(),
                               values * 0.01 + 1e-3, torch::ones({n}, torch::kInt64)};
    adam.step({&grad, 1});
    if (step % 10 == 0 || next_id >= static_cast<int64_t>(ids)) {
      const embedding::TableStats stats = table.core().stats();
      const auto [now, peak] = rss_mb();
      std::printf("%8lld %12lld %12zu %12zu %10.0f %10.0f %10.0f %8.0f\n",
                  static_cast<long long>(step), static_cast<long long>(next_id), stats.rows,
                  stats.disk_rows, static_cast<double>(stats.bytes) / (1 << 20), now, peak,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      std::fflush(stdout);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const embedding::TableStats stats = table.core().stats();
  const double peak_mb = rss_mb().second;
  print_bench_result("tiered-scale", static_cast<double>(looked_up) / seconds, 0,
                     "ids looked up and updated per second",
                     {{"ids", ids}, {"memory_budget_mb", static_cast<double>(memory) / (1 << 20)},
                      {"peak_rss_mb", peak_mb}, {"steps", step}, {"seconds", seconds},
                      {"ram_rows", stats.rows}, {"disk_rows", stats.disk_rows},
                      {"spilled", stats.spilled}, {"promoted", stats.promoted},
                      {"baseline_source", "none: all in RAM needs about 20 GB"}});
  return 0;
}

RECIS_REGISTER_BENCH("tiered-scale", "a 100M-id dim-16 Adam table trained within a 4 GiB RAM budget: RSS curve", run);

}  // namespace
}  // namespace recis::bench

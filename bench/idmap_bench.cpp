// `recis bench idmap`: the embedding id map's batch find_or_insert against a per-key loop over
// absl::flat_hash_map<int64, int64>, measured in the same run, in million ids per second.
// For each key count (--keys, default 1M,10M; 50M on request) it measures
//   build:  inserting every key once, in batches, into an empty map;
//   lookup: batches of deduplicated ids drawn Zipf(1) or uniformly from the keys (all present).
// With 2 threads both maps are shared: IdMap as it is, absl as 16 shards each under a mutex,
// locked once per shard per batch (the same batching IdMap does). Lookups report the best of
// --repeats runs (default 3). The closing JSON line reports uniform lookups at the largest size
// on one thread; every row is in its "results".
#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_registry.h"
#include "recis/common/error.h"
#include "recis/embedding/core/id_hash.h"
#include "recis/embedding/core/id_map.h"

namespace recis::bench {
namespace {

using Batches = std::vector<std::vector<int64_t>>;

struct IdmapBenchOptions {
  std::vector<std::size_t> key_counts = {1'000'000, 10'000'000};
  std::vector<int> thread_counts = {1, 2};
  std::size_t batch = 65536;
  std::size_t lookups = 8'000'000;  // ids drawn per lookup measurement, before deduplication
  std::size_t shards = 16;
  int repeats = 3;  // lookup measurements keep the best run; builds run once
};

std::size_t parse_count(const std::string& text) {
  std::size_t end = 0;
  double value = 0;
  try {
    value = std::stod(text, &end);
  } catch (const std::exception&) {
    throw ConfigError("bench idmap: '" + text + "' is not a count (e.g. 500000, 10M, 1.5M)");
  }
  const std::string suffix = text.substr(end);
  if (suffix == "K" || suffix == "k")
    value *= 1e3;
  else if (suffix == "M" || suffix == "m")
    value *= 1e6;
  else if (!suffix.empty() || value < 1) {
    throw ConfigError("bench idmap: '" + text + "' is not a positive count (e.g. 500000, 10M)");
  }
  return static_cast<std::size_t>(value);
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

IdmapBenchOptions parse_options(const std::vector<std::string>& args) {
  IdmapBenchOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (i + 1 >= args.size()) throw ConfigError("bench idmap: " + flag + " needs a value");
    const std::string& value = args[++i];
    if (flag == "--keys") {
      options.key_counts.clear();
      for (const auto& part : split(value)) options.key_counts.push_back(parse_count(part));
    } else if (flag == "--threads") {
      options.thread_counts.clear();
      for (const auto& part : split(value)) {
        const std::size_t threads = parse_count(part);
        if (threads > 2) throw ConfigError("bench idmap: --threads takes 1 and/or 2");
        options.thread_counts.push_back(static_cast<int>(threads));
      }
    } else if (flag == "--batch") {
      options.batch = parse_count(value);
    } else if (flag == "--lookups") {
      options.lookups = parse_count(value);
    } else if (flag == "--shards") {
      options.shards = parse_count(value);
    } else if (flag == "--repeats") {
      options.repeats = static_cast<int>(parse_count(value));
    } else {
      throw ConfigError(
          "bench idmap: unknown flag " + flag +
          " (flags: --keys 1M,10M --threads 1,2 --batch N --lookups N --shards N --repeats N)");
    }
  }
  return options;
}

// Keys that look like hashed feature ids: a bijective mix of 0..n-1.
std::vector<int64_t> make_keys(std::size_t n) {
  std::vector<int64_t> keys(n);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = static_cast<int64_t>(embedding::hash_id(static_cast<int64_t>(i) + 0x5bd1e995));
  }
  return keys;
}

Batches split_batches(const std::vector<int64_t>& ids, std::size_t batch) {
  Batches batches;
  for (std::size_t begin = 0; begin < ids.size(); begin += batch) {
    const std::size_t end = std::min(ids.size(), begin + batch);
    batches.emplace_back(ids.begin() + begin, ids.begin() + end);
  }
  return batches;
}

// Batches of `batch` draws each, deduplicated as the embedding engine does before a lookup.
// Zipf(1) draws rank floor(n^u) for u uniform in [0, 1): P(rank <= r) = log(r) / log(n).
Batches draw_batches(const std::vector<int64_t>& keys, std::size_t draws, std::size_t batch,
                     bool zipf, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double log_n = std::log(static_cast<double>(keys.size()));
  Batches batches;
  for (std::size_t drawn = 0; drawn < draws; drawn += batch) {
    std::vector<int64_t> ids(batch);
    for (auto& id : ids) {
      const std::size_t rank = zipf ? static_cast<std::size_t>(std::exp(unit(rng) * log_n)) - 1
                                    : static_cast<std::size_t>(rng() % keys.size());
      id = keys[std::min(rank, keys.size() - 1)];
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::shuffle(ids.begin(), ids.end(), rng);
    batches.push_back(std::move(ids));
  }
  return batches;
}

std::size_t total_ids(const Batches& batches) {
  std::size_t total = 0;
  for (const auto& batch : batches) total += batch.size();
  return total;
}

// absl baseline: 16 shards, each a flat_hash_map under its own mutex; a batch is grouped by
// shard and each shard is locked once, then probed key by key.
class ShardedAbslMap {
 public:
  static constexpr std::size_t kShards = 16;

  std::size_t find_or_insert(const std::vector<int64_t>& ids, std::vector<int64_t>& rows) {
    if (sharded_) return find_or_insert_sharded(ids, rows);
    std::size_t inserted = 0;
    auto& map = shards_[0].map;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const auto [it, fresh] = map.try_emplace(ids[i], next_row_);
      next_row_ += fresh;
      inserted += fresh;
      rows[i] = it->second;
    }
    return inserted;
  }
  void set_sharded(bool sharded) { sharded_ = sharded; }
  std::size_t bytes() const {
    std::size_t total = 0;
    for (const auto& shard : shards_) {
      total += shard.map.capacity() * (sizeof(std::pair<int64_t, int64_t>) + 1);
    }
    return total;
  }

 private:
  std::size_t find_or_insert_sharded(const std::vector<int64_t>& ids, std::vector<int64_t>& rows) {
    thread_local std::vector<uint32_t> by_shard[kShards];
    for (auto& list : by_shard) list.clear();
    for (std::size_t i = 0; i < ids.size(); ++i) {
      by_shard[embedding::hash_id(ids[i]) >> 60].push_back(static_cast<uint32_t>(i));
    }
    std::size_t inserted = 0;
    for (std::size_t s = 0; s < kShards; ++s) {
      std::lock_guard lock(shards_[s].mutex);
      for (uint32_t i : by_shard[s]) {
        const int64_t row = static_cast<int64_t>(shards_[s].next_row * kShards + s);
        const auto [it, fresh] = shards_[s].map.try_emplace(ids[i], row);
        shards_[s].next_row += fresh;
        inserted += fresh;
        rows[i] = it->second;
      }
    }
    return inserted;
  }

  struct alignas(64) Shard {
    std::mutex mutex;
    absl::flat_hash_map<int64_t, int64_t> map;
    std::size_t next_row = 0;
  };
  Shard shards_[kShards];
  bool sharded_ = false;
  int64_t next_row_ = 0;
};

// Runs fn(batch, rows) over the batches on `threads` threads (thread t takes every t-th batch)
// and returns million ids per second, the best of `repeats` runs.
template <typename Fn>
double measure(const Batches& batches, int threads, int repeats, Fn fn) {
  double best = 0;
  for (int repeat = 0; repeat < repeats; ++repeat) {
    std::barrier start(threads + 1);
    std::atomic<std::size_t> sink{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        std::vector<int64_t> rows;
        std::size_t local = 0;
        start.arrive_and_wait();
        for (std::size_t b = t; b < batches.size(); b += threads) {
          rows.resize(batches[b].size());
          local += fn(batches[b], rows);
          local += static_cast<std::size_t>(rows[0]);
        }
        sink += local;
      });
    }
    const double seconds = best_seconds(1, [&] {
      start.arrive_and_wait();
      for (auto& worker : workers) worker.join();
    });
    best = std::max(best, total_ids(batches) / seconds / 1e6);
  }
  return best;
}

struct Row {
  std::size_t keys;
  std::string phase;
  int threads;
  double ours;
  double absl;
};

int run_idmap_bench(const std::vector<std::string>& args) {
  const IdmapBenchOptions options = parse_options(args);
  std::vector<Row> rows;
  double bytes_per_row = 0;
  std::printf("%-10s %-14s %7s %12s %12s %7s\n", "keys", "phase", "threads", "ours M/s", "absl M/s",
              "ratio");
  auto report = [&](const Row& row) {
    std::printf("%-10zu %-14s %7d %12.2f %12.2f %7.2f\n", row.keys, row.phase.c_str(), row.threads,
                row.ours, row.absl, row.ours / row.absl);
    std::fflush(stdout);
    rows.push_back(row);
  };

  for (const std::size_t key_count : options.key_counts) {
    const std::vector<int64_t> keys = make_keys(key_count);
    for (const int threads : options.thread_counts) {
      embedding::IdMap ours(options.shards);
      ShardedAbslMap absl;
      absl.set_sharded(threads > 1);
      const Batches build = split_batches(keys, options.batch);
      const double ours_build = measure(build, threads, 1, [&](const auto& ids, auto& out) {
        return ours.find_or_insert(ids, out);
      });
      const double absl_build = measure(build, threads, 1, [&](const auto& ids, auto& out) {
        return absl.find_or_insert(ids, out);
      });
      report({key_count, "build", threads, ours_build, absl_build});
      if (threads == options.thread_counts.front()) {
        // IdMap's bytes per entry plus the 8-byte RowMeta each row carries in RowBlocks.
        bytes_per_row = double(ours.memory_bytes()) / double(key_count) + 8.0;
        std::printf(
            "%-10zu bytes/row beyond the embedding: ours %.1f (map %.1f + meta 8), "
            "absl map %.1f\n",
            key_count, bytes_per_row, bytes_per_row - 8.0,
            double(absl.bytes()) / double(key_count));
      }
      for (const bool zipf : {false, true}) {
        const Batches lookups =
            draw_batches(keys, options.lookups, options.batch, zipf, 1234 + key_count);
        const double ours_lookup =
            measure(lookups, threads, options.repeats,
                    [&](const auto& ids, auto& out) { return ours.find_or_insert(ids, out); });
        const double absl_lookup =
            measure(lookups, threads, options.repeats,
                    [&](const auto& ids, auto& out) { return absl.find_or_insert(ids, out); });
        report({key_count, zipf ? "lookup zipf" : "lookup uniform", threads, ours_lookup,
                absl_lookup});
      }
    }
  }

  // Throughput with 2 threads over 1 thread, for each size and phase measured both ways.
  nlohmann::json scaling = nlohmann::json::array();
  for (const Row& two : rows) {
    if (two.threads != 2) continue;
    for (const Row& one : rows) {
      if (one.threads != 1 || one.keys != two.keys || one.phase != two.phase) continue;
      std::printf("%-10zu %-14s 2-thread scaling: ours %.2fx, absl %.2fx\n", two.keys,
                  two.phase.c_str(), two.ours / one.ours, two.absl / one.absl);
      scaling.push_back({{"keys", two.keys},
                         {"phase", two.phase},
                         {"ours", two.ours / one.ours},
                         {"absl", two.absl / one.absl}});
    }
  }

  nlohmann::json results = nlohmann::json::array();
  for (const auto& row : rows) {
    results.push_back({{"keys", row.keys},
                       {"phase", row.phase},
                       {"threads", row.threads},
                       {"ours", row.ours},
                       {"absl", row.absl}});
  }
  const auto headline = std::find_if(rows.rbegin(), rows.rend(), [&](const Row& row) {
    return row.phase == "lookup uniform" && row.threads == options.thread_counts.front();
  });
  print_bench_result("idmap", headline->ours, headline->absl, "M ids/s",
                     {{"keys", headline->keys},
                      {"threads", headline->threads},
                      {"bytes_per_row_beyond_embedding", bytes_per_row},
                      {"results", results},
                      {"scaling_2_threads", scaling}});
  return 0;
}

RECIS_REGISTER_BENCH("idmap",
                     "IdMap batch find_or_insert vs absl::flat_hash_map (--keys 1M,10M,50M "
                     "--threads 1,2)",
                     run_idmap_bench);

}  // namespace
}  // namespace recis::bench

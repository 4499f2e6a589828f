// `recis bench features [--batch N] [--features 26,200] [--repeats N]`: the feature engine's
// fused execution (one kernel call per op kind and step, over all features) against per-feature
// execution (one kernel call per feature and op; same kernels, same thread pool) in the same run.
// The features mix Criteo-like kinds: id lists -> mod, strings -> hash -> mod, sequences ->
// truncate -> mod, dense floats -> fill_missing -> bucketize. Reports batches/s; the JSON line is
// for the largest feature count, ratio = fused / per-feature.
#include <cstdio>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_flags.h"
#include "bench_registry.h"
#include "recis/common/error.h"
#include "recis/common/threads.h"
#include "recis/feature/engine.h"
#include "recis/ragged/ragged_rows.h"

namespace recis::bench {
namespace {

struct Options {
  int64_t batch = 4096;
  std::vector<int> feature_counts{26, 200};
  int repeats = 7;
};

Options parse_options(const std::vector<std::string>& args) {
  Options options;
  auto set_feature_counts = [&options](const std::string& value) {
    options.feature_counts.clear();
    std::stringstream list(value);
    for (std::string item; std::getline(list, item, ',');) {
      options.feature_counts.push_back(static_cast<int>(parse_positive_integer(item)));
    }
    if (options.feature_counts.empty()) throw std::invalid_argument("expected counts like 26,200");
  };
  parse_bench_flags("features", args,
                    {positive_integer_flag("--batch", &options.batch),
                     positive_integer_flag("--repeats", &options.repeats),
                     {"--features", set_feature_counts}});
  return options;
}

struct Workload {
  ragged::Batch batch;
  std::vector<feature::Feature> features;
  int64_t values = 0;  // input values over all columns
};

Workload make_workload(int feature_count, int64_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Workload work;
  for (int i = 0; i < feature_count; ++i) {
    const std::string column = "c" + std::to_string(i);
    feature::Feature feature(column);
    switch (i % 4) {
      case 0: {
        ragged::Rows2 ids(rows);
        for (auto& row : ids) {
          row.resize(1 + rng() % 4);
          for (auto& id : row) id = static_cast<int64_t>(rng());
        }
        work.batch.set(column, ragged::ragged_from_rows(ids));
        feature.select(column).mod(1000003 + i);
        break;
      }
      case 1: {
        std::vector<std::vector<std::string>> strings(rows);
        for (auto& row : strings) row.push_back(std::to_string(rng() % 100000000));
        work.batch.set(column, ragged::byte_strings_from_rows(strings));
        feature.select(column).hash(i % 8 == 1 ? "farm" : "murmur").mod(1000003);
        break;
      }
      case 2: {
        ragged::Rows2 sequence(rows);
        for (auto& row : sequence) {
          row.resize(rng() % 50);
          for (auto& id : row) id = static_cast<int64_t>(rng() % 10000000);
        }
        work.batch.set(column, ragged::ragged_from_rows(sequence));
        feature.select(column).truncate(20, "left").mod(100003);
        break;
      }
      default: {
        auto dense = torch::randn({rows}) * 100;
        dense.index_put_({torch::rand({rows}) < 0.05}, std::numeric_limits<float>::quiet_NaN());
        work.batch.set(column, dense);
        feature.select(column).fill_missing(0).bucketize(
            {-300, -200, -100, -50, -20, -10, -5, 0, 5, 10, 20, 50, 100, 200, 300});
        break;
      }
    }
    work.features.push_back(std::move(feature));
  }
  for (const auto& [name, column] : work.batch) {
    if (const auto* ragged = std::get_if<ragged::RaggedTensor>(&column)) {
      work.values += ragged->values().numel();
    } else {
      work.values += std::get<torch::Tensor>(column).numel();
    }
  }
  return work;
}

int run_features_bench(const std::vector<std::string>& args) {
  const Options options = parse_options(args);
  const std::size_t threads = configured_threads();
  std::printf("batch %lld, threads %zu, best of %d\n", static_cast<long long>(options.batch),
              threads, options.repeats);
  std::printf("%9s %12s %14s %16s %9s\n", "features", "values", "fused ms", "per-feature ms",
              "speed-up");
  nlohmann::json per_count = nlohmann::json::object();
  double fused_rate = 0;
  double single_rate = 0;
  int last_count = 0;
  for (int count : options.feature_counts) {
    const Workload work = make_workload(count, options.batch, 42 + count);
    const feature::Engine engine(work.features, threads);
    auto time_mode = [&](feature::ExecutionMode mode) {
      engine.run(work.batch, mode);  // warm-up: first-touch allocations
      return best_seconds(options.repeats, [&] { engine.run(work.batch, mode); });
    };
    const double fused = time_mode(feature::ExecutionMode::Fused);
    const double single = time_mode(feature::ExecutionMode::PerFeature);
    std::printf("%9d %12lld %14.3f %16.3f %8.2fx\n", count, static_cast<long long>(work.values),
                fused * 1e3, single * 1e3, single / fused);
    per_count[std::to_string(count)] = {
        {"fused_ms", fused * 1e3}, {"per_feature_ms", single * 1e3}, {"speedup", single / fused}};
    fused_rate = 1.0 / fused;
    single_rate = 1.0 / single;
    last_count = count;
  }
  print_bench_result("features", fused_rate, single_rate, "batches/s",
                     {{"features", last_count},
                      {"batch", options.batch},
                      {"threads", threads},
                      {"by_feature_count", per_count}});
  return 0;
}

RECIS_REGISTER_BENCH("features",
                     "feature engine: fused vs per-feature op execution (26 and 200 features)",
                     run_features_bench);

}  // namespace
}  // namespace recis::bench

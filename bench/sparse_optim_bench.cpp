// `recis bench sparse-optim`: rows updated per second by the sparse Adam (the most expensive
// update per element) at dim 8, 64 and 128, on 1 and 2 threads, against a scalar reference loop
// measured in the same run: per row and element, the formula as written (double arithmetic,
// bias correction computed per row, rows read and written through read_embedding /
// write_embedding), single-threaded. Each step updates every row of a table of --rows rows
// (default 65536) in a shuffled order, as the unique ids of a batch land anywhere in the table;
// times are the best of --repeats (default 3) runs of --steps (default 5) steps. The closing JSON
// line reports dim 64 on one thread; every row is in its "results".
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "bench_flags.h"
#include "bench_registry.h"
#include "recis/embedding/sparse_grad.h"
#include "recis/optim/adam.h"

namespace recis::bench {
namespace {

struct Options {
  int64_t rows = 65536;
  int64_t steps = 5;
  int repeats = 3;
};

struct Setup {
  std::unique_ptr<embedding::TableCore> table;
  embedding::SparseGrad grad;
};

Setup make_setup(const optim::SparseOptimizer& optimizer, std::size_t dim, int64_t rows) {
  embedding::TableOptions table_options;
  table_options.dim = dim;
  table_options.slots = optimizer.slots(dim);
  Setup setup{std::make_unique<embedding::TableCore>(table_options), {}};
  std::vector<int64_t> ids(static_cast<std::size_t>(rows));
  std::iota(ids.begin(), ids.end(), 0);
  std::shuffle(ids.begin(), ids.end(), std::mt19937_64(7));
  std::vector<int64_t> row_numbers(ids.size());
  setup.table->lookup(ids, 0, row_numbers);
  setup.grad.table = setup.table.get();
  setup.grad.ids = torch::tensor(ids, torch::kInt64);
  setup.grad.rows = torch::tensor(row_numbers, torch::kInt64);
  setup.grad.values = torch::randn({rows, static_cast<int64_t>(dim)}) * 0.01;
  setup.grad.counts = torch::ones({rows}, torch::kInt64);
  return setup;
}

// The baseline: Adam written element by element as in its formula.
void scalar_adam_step(const embedding::SparseGrad& grad, int64_t t, double lr) {
  const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  const embedding::RowBlocks& blocks = grad.table->rows();
  const std::size_t dim = blocks.layout().dim();
  const std::size_t m_slot = blocks.layout().slot_index("adam_m");
  const std::size_t v_slot = blocks.layout().slot_index("adam_v");
  const int64_t* rows = grad.rows.data_ptr<int64_t>();
  const float* values = grad.values.data_ptr<float>();
  std::vector<float> w(dim);
  for (int64_t i = 0; i < grad.rows.numel(); ++i) {
    const int64_t row = rows[i];
    blocks.read_embedding(row, w);
    float* m = blocks.slot(row, m_slot);
    float* v = blocks.slot(row, v_slot);
    const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(t));
    const double bias_correction2 = 1 - std::pow(beta2, static_cast<double>(t));
    for (std::size_t d = 0; d < dim; ++d) {
      const double g = values[static_cast<std::size_t>(i) * dim + d];
      m[d] = static_cast<float>(beta1 * m[d] + (1 - beta1) * g);
      v[d] = static_cast<float>(beta2 * v[d] + (1 - beta2) * g * g);
      w[d] = static_cast<float>(w[d] - lr / bias_correction1 * m[d] /
                                           (std::sqrt(v[d]) / std::sqrt(bias_correction2) + eps));
    }
    blocks.write_embedding(row, w);
  }
}

int run_sparse_optim_bench(const std::vector<std::string>& args) {
  Options options;
  parse_bench_flags("sparse-optim", args,
                    {positive_integer_flag("--rows", &options.rows),
                     positive_integer_flag("--steps", &options.steps),
                     positive_integer_flag("--repeats", &options.repeats)});
  std::printf("sparse Adam, %lld rows a step, %lld steps, best of %d\n",
              static_cast<long long>(options.rows), static_cast<long long>(options.steps),
              options.repeats);
  std::printf("%5s %16s %16s %16s %9s\n", "dim", "scalar M rows/s", "1 thread", "2 threads",
              "1t/scalar");
  nlohmann::json results = nlohmann::json::array();
  double headline_ours = 0, headline_baseline = 0;
  const double updates = static_cast<double>(options.rows * options.steps);
  for (const std::size_t dim : {std::size_t{8}, std::size_t{64}, std::size_t{128}}) {
    optim::SparseOptimizerOptions base;
    base.lr = 1e-3;
    double per_thread[2] = {0, 0};
    for (const std::size_t threads : {std::size_t{1}, std::size_t{2}}) {
      base.threads = threads;
      optim::Adam adam(base);
      Setup setup = make_setup(adam, dim, options.rows);
      const double seconds = best_seconds(options.repeats, [&] {
        for (int64_t s = 0; s < options.steps; ++s) adam.step({&setup.grad, 1});
      });
      per_thread[threads - 1] = updates / seconds / 1e6;
    }
    optim::Adam layout_only(base);
    Setup setup = make_setup(layout_only, dim, options.rows);
    int64_t t = 0;
    const double baseline_seconds = best_seconds(options.repeats, [&] {
      for (int64_t s = 0; s < options.steps; ++s) scalar_adam_step(setup.grad, ++t, 1e-3);
    });
    const double baseline = updates / baseline_seconds / 1e6;
    std::printf("%5zu %16.2f %16.2f %16.2f %8.2fx\n", dim, baseline, per_thread[0], per_thread[1],
                per_thread[0] / baseline);
    results.push_back({{"dim", dim},
                       {"scalar_m_rows_per_s", baseline},
                       {"threads_1_m_rows_per_s", per_thread[0]},
                       {"threads_2_m_rows_per_s", per_thread[1]}});
    if (dim == 64) {
      headline_ours = per_thread[0];
      headline_baseline = baseline;
    }
  }
  print_bench_result("sparse-optim", headline_ours, headline_baseline, "M rows/s",
                     {{"optimizer", "adam"},
                      {"dim", 64},
                      {"threads", 1},
                      {"rows", options.rows},
                      {"steps", options.steps},
                      {"results", results}});
  return 0;
}

RECIS_REGISTER_BENCH("sparse-optim",
                     "sparse Adam row updates/s at dim 8/64/128, 1 and 2 threads, vs a scalar loop",
                     run_sparse_optim_bench);

}  // namespace
}  // namespace recis::bench

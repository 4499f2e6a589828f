// FTRL, row-wise Adagrad and AdamW-TF against scalar references written from their formulas in
// double precision, over several steps with partially overlapping ids; slots included.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "optim/optim_test_table.h"
#include "recis/optim/adam.h"
#include "recis/optim/ftrl.h"
#include "recis/optim/rowwise_adagrad.h"

namespace recis::optim {
namespace {

constexpr int64_t kIds = 20;
constexpr int64_t kDim = 9;
constexpr int kSteps = 5;
constexpr double kTolerance = 1e-5;  // fp32 kernels against a double reference

// One row of the reference: its weights and the optimizer's per-row state.
struct RowState {
  std::vector<double> w;
  std::vector<double> a;  // z | sum | m
  std::vector<double> b;  // n | -  | v
};
using ReferenceUpdate = std::function<void(RowState&, const std::vector<double>& g, int64_t t)>;

// Runs `sparse` and `reference` side by side; compares embeddings and the slots named in
// `slot_a` / `slot_b` (empty: not compared) after every step.
void expect_matches_reference(SparseOptimizer& sparse, const ReferenceUpdate& reference,
                              std::size_t a_width, const std::string& slot_a,
                              const std::string& slot_b, double initial_a = 0,
                              double initial_b = 0) {
  torch::manual_seed(11);
  const torch::Tensor initial = torch::randn({kIds, kDim}) * 0.3;
  testing::TestTable table(sparse, initial);
  std::vector<RowState> rows(kIds);
  for (int64_t i = 0; i < kIds; ++i) {
    for (int64_t d = 0; d < kDim; ++d) rows[i].w.push_back(initial[i][d].item<float>());
    rows[i].a.assign(a_width, initial_a);
    rows[i].b.assign(kDim, initial_b);
  }
  for (int step = 0; step < kSteps; ++step) {
    std::vector<int64_t> ids;
    for (int64_t k = 0; k < 8; ++k) ids.push_back((4 * step + k) % kIds);
    const torch::Tensor values = torch::randn({static_cast<int64_t>(ids.size()), kDim});
    const auto grad = table.grad(ids, values);
    sparse.step({&grad, 1});
    for (std::size_t i = 0; i < ids.size(); ++i) {
      std::vector<double> g;
      for (int64_t d = 0; d < kDim; ++d)
        g.push_back(values[static_cast<int64_t>(i)][d].item<float>());
      reference(rows[ids[i]], g, step + 1);
    }
    const torch::Tensor ours = table.embeddings();
    for (int64_t i = 0; i < kIds; ++i) {
      for (int64_t d = 0; d < kDim; ++d) {
        ASSERT_NEAR(ours[i][d].item<float>(), rows[i].w[d], kTolerance)
            << sparse.name() << " step " << step + 1 << " id " << i << " element " << d;
      }
      if (!slot_a.empty()) {
        const auto a = table.slot(i, slot_a);
        for (std::size_t d = 0; d < a_width; ++d) {
          ASSERT_NEAR(a[d] + initial_a, rows[i].a[d], kTolerance) << slot_a << " of id " << i;
        }
      }
      if (!slot_b.empty()) {
        const auto b = table.slot(i, slot_b);
        for (int64_t d = 0; d < kDim; ++d) {
          ASSERT_NEAR(b[d] + initial_b, rows[i].b[d], kTolerance) << slot_b << " of id " << i;
        }
      }
    }
  }
}

SparseOptimizerOptions base(double lr) {
  SparseOptimizerOptions options;
  options.lr = lr;
  options.threads = 1;
  return options;
}

ReferenceUpdate ftrl_reference(double lr, const FtrlOptions& o) {
  return [lr, o](RowState& row, const std::vector<double>& g, int64_t) {
    const double p = -o.lr_power;
    for (std::size_t d = 0; d < g.size(); ++d) {
      double& z = row.a[d];
      double& n = row.b[d];
      const double n_new = n + g[d] * g[d];
      const double sigma = (std::pow(n_new, p) - std::pow(n, p)) / lr;
      z += g[d] - sigma * row.w[d];
      n = n_new;
      if (std::abs(z) <= o.l1) {
        row.w[d] = 0;
      } else {
        const double sign = z > 0 ? 1 : -1;
        row.w[d] = -(z - sign * o.l1) / ((o.beta + std::pow(n, p)) / lr + 2 * o.l2);
      }
    }
  };
}

TEST(ScalarReference, Ftrl) {
  FtrlOptions options;
  options.l1 = 0.3;  // large enough that some weights become exactly zero
  options.l2 = 0.2;
  options.beta = 0.5;
  options.initial_accumulator_value = 0.1;
  Ftrl ftrl(base(0.2), options);
  expect_matches_reference(ftrl, ftrl_reference(0.2, options), kDim, "ftrl_z", "ftrl_n", 0, 0.1);
}

TEST(ScalarReference, FtrlGeneralLrPower) {
  FtrlOptions options;
  options.lr_power = -0.7;
  options.l1 = 0.01;
  options.l2 = 0.05;
  options.initial_accumulator_value = 0.5;
  Ftrl ftrl(base(0.1), options);
  expect_matches_reference(ftrl, ftrl_reference(0.1, options), kDim, "ftrl_z", "ftrl_n", 0, 0.5);
}

TEST(ScalarReference, FtrlSparsifies) {
  FtrlOptions options;
  options.l1 = 1e6;  // |z| never exceeds l1: every touched weight becomes exactly zero
  Ftrl ftrl(base(0.1), options);
  const torch::Tensor initial = torch::ones({3, 4});
  testing::TestTable table(ftrl, initial);
  const auto grad = table.grad({0, 2}, torch::ones({2, 4}));
  ftrl.step({&grad, 1});
  const torch::Tensor expected =
      torch::tensor({0.f, 0.f, 0.f, 0.f, 1.f, 1.f, 1.f, 1.f, 0.f, 0.f, 0.f, 0.f}).view({3, 4});
  EXPECT_TRUE(torch::equal(table.embeddings(), expected));
}

TEST(ScalarReference, FtrlZeroGradientOnAnEmptyAccumulatorKeepsWeightsAtZero) {
  FtrlOptions options;
  options.initial_accumulator_value = 0;  // n = 0 and beta = l2 = 0: the quadratic term is 0
  Ftrl ftrl(base(0.1), options);
  testing::TestTable table(ftrl, torch::ones({1, 5}));
  const auto grad = table.grad({0}, torch::tensor({{0.f, 0.f, 0.f, 0.f, 1.f}}));
  ftrl.step({&grad, 1});
  const torch::Tensor w = table.embeddings();
  EXPECT_TRUE(torch::equal(w.slice(1, 0, 4), torch::zeros({1, 4})));
  // z = 1 - (1 - 0)/0.1 * 1 = -9, n = 1: w = 9 / (1 / 0.1) = 0.9
  EXPECT_NEAR(w[0][4].item<float>(), 0.9f, 1e-6);
}

TEST(ScalarReference, RowwiseAdagrad) {
  RowwiseAdagradOptions options;
  options.initial_accumulator_value = 0.2;
  options.eps = 1e-8;
  RowwiseAdagrad optimizer(base(0.3), options);
  const auto reference = [&](RowState& row, const std::vector<double>& g, int64_t) {
    double squares = 0;
    for (double x : g) squares += x * x;
    row.a[0] += squares / static_cast<double>(g.size());
    for (std::size_t d = 0; d < g.size(); ++d) {
      row.w[d] -= 0.3 * g[d] / (std::sqrt(row.a[0]) + options.eps);
    }
  };
  expect_matches_reference(optimizer, reference, 1, "rowwise_adagrad_sum", "", 0.2);
  EXPECT_EQ(optimizer.slots(kDim).size(), 1u);
  EXPECT_EQ(optimizer.slots(kDim)[0].width, 1u);
}

TEST(ScalarReference, AdamWTf) {
  AdamOptions options;
  options.beta1 = 0.85;
  options.beta2 = 0.99;
  options.eps = 1e-7;
  options.weight_decay = 0.01;
  const double lr = 0.05;
  Adam optimizer(base(lr), options, AdamVariant::AdamWTF);
  EXPECT_EQ(optimizer.name(), "adamw_tf");
  const auto reference = [&](RowState& row, const std::vector<double>& g, int64_t t) {
    const double lr_t = lr * std::sqrt(1 - std::pow(options.beta2, static_cast<double>(t))) /
                        (1 - std::pow(options.beta1, static_cast<double>(t)));
    for (std::size_t d = 0; d < g.size(); ++d) {
      row.w[d] *= 1 - options.weight_decay;
      row.a[d] = options.beta1 * row.a[d] + (1 - options.beta1) * g[d];
      row.b[d] = options.beta2 * row.b[d] + (1 - options.beta2) * g[d] * g[d];
      row.w[d] -= lr_t * row.a[d] / (std::sqrt(row.b[d]) + options.eps);
    }
  };
  expect_matches_reference(optimizer, reference, kDim, "adam_m", "adam_v");
}

}  // namespace
}  // namespace recis::optim

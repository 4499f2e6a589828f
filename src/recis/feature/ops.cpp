#include "recis/feature/ops.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "recis/common/error.h"

namespace recis::feature {
namespace {

constexpr int64_t kMultiHashMods[] = {29, 47, 67, 83};
constexpr std::size_t kMaxMultiHashes = 4;
constexpr int64_t kMaxMultiHashBuckets = int64_t(1) << 40;
constexpr int64_t kMaxSeqLen = int64_t(1) << 24;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string hash_kind_name(HashKind kind) {
  switch (kind) {
    case HashKind::Farm: return "farm";
    case HashKind::Murmur: return "murmur";
    case HashKind::None: return "none";
  }
  return "?";
}

template <class T>
std::string join(const std::vector<T>& items) {
  std::ostringstream out;
  out.precision(17);
  for (std::size_t i = 0; i < items.size(); ++i) out << (i ? "," : "") << items[i];
  return out.str();
}

std::string number(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

bool is_prime(int64_t x) {
  if (x < 2) return false;
  if (x % 2 == 0) return x == 2;
  for (int64_t d = 3; d <= x / d; d += 2) {
    if (x % d == 0) return false;
  }
  return true;
}

}  // namespace

std::string op_name(const Op& op) {
  return std::visit(Overloaded{
                        [](const SelectOp&) { return "select"; },
                        [](const SelectFieldsOp&) { return "select"; },
                        [](const HashOp&) { return "hash"; },
                        [](const ModOp&) { return "mod"; },
                        [](const BucketizeOp&) { return "bucketize"; },
                        [](const CrossOp&) { return "cross"; },
                        [](const TruncateOp&) { return "truncate"; },
                        [](const MultiHashOp&) { return "multi_hash"; },
                        [](const Log1pOp&) { return "log1p"; },
                        [](const NormalizeOp&) { return "normalize"; },
                        [](const FillMissingOp&) { return "fill_missing"; },
                        [](const ClipOp&) { return "clip"; },
                    },
                    op);
}

std::string op_signature(const Op& op) {
  const std::string name = op_name(op);
  const std::string params = std::visit(
      Overloaded{
          [](const SelectOp& o) {
            return "column=" + o.column + (o.dim ? ",dim=" + std::to_string(*o.dim) : "");
          },
          [](const SelectFieldsOp& o) { return "columns=" + join(o.columns); },
          [](const HashOp& o) { return "kind=" + hash_kind_name(o.kind); },
          [](const ModOp& o) { return "m=" + std::to_string(o.m); },
          [](const BucketizeOp& o) { return "boundaries=" + join(o.boundaries); },
          [](const CrossOp&) { return std::string(); },
          [](const TruncateOp& o) {
            return "seq_len=" + std::to_string(o.seq_len) +
                   ",side=" + (o.side == TruncateSide::Left ? "left" : "right") +
                   ",check_length=" + (o.check_length ? "true" : "false") +
                   ",n_dims=" + std::to_string(o.n_dims);
          },
          [](const MultiHashOp& o) { return "num_buckets=" + join(o.num_buckets); },
          [](const Log1pOp&) { return std::string(); },
          [](const NormalizeOp& o) { return "mean=" + number(o.mean) + ",std=" + number(o.std); },
          [](const FillMissingOp& o) { return "value=" + number(o.value); },
          [](const ClipOp& o) { return "lo=" + number(o.lo) + ",hi=" + number(o.hi); },
      },
      op);
  return name + "(" + params + ")";
}

std::string op_context(const std::string& feature, const Op& op) {
  return "feature '" + feature + "' op " + op_name(op);
}

void validate_op(const Op& op, const std::string& feature) {
  auto fail = [&](const std::string& what) {
    throw ConfigError(op_context(feature, op) + ": " + what);
  };
  std::visit(
      Overloaded{
          [&](const SelectOp& o) {
            if (o.column.empty()) fail("needs a column name");
            if (o.dim && (*o.dim < 1 || *o.dim > 3)) {
              fail("dim " + std::to_string(*o.dim) + " is not 1, 2 or 3");
            }
          },
          [&](const SelectFieldsOp& o) {
            if (o.columns.size() < 2) fail("selecting several columns needs at least 2");
            for (const auto& column : o.columns) {
              if (column.empty()) fail("needs non-empty column names");
            }
          },
          [&](const HashOp& o) {
            if (o.kind == HashKind::None) fail("kind must be farm or murmur");
          },
          [&](const ModOp& o) {
            if (o.m <= 0) fail("m must be positive, got " + std::to_string(o.m));
          },
          [&](const BucketizeOp& o) {
            if (o.boundaries.empty()) fail("needs at least one boundary");
            for (std::size_t i = 0; i < o.boundaries.size(); ++i) {
              if (std::isnan(o.boundaries[i])) fail("boundary " + std::to_string(i) + " is NaN");
              if (i && o.boundaries[i] < o.boundaries[i - 1]) {
                fail("boundaries must be ascending; " + number(o.boundaries[i]) + " follows " +
                     number(o.boundaries[i - 1]));
              }
            }
          },
          [&](const CrossOp&) {},
          [&](const TruncateOp& o) {
            if (o.seq_len <= 0 || o.seq_len > kMaxSeqLen) {
              fail("seq_len " + std::to_string(o.seq_len) + " is not in 1..2^24");
            }
            if (o.n_dims != 2 && o.n_dims != 3) {
              fail("n_dims must be 2 or 3, got " + std::to_string(o.n_dims));
            }
          },
          [&](const MultiHashOp& o) {
            if (o.num_buckets.empty() || o.num_buckets.size() > kMaxMultiHashes) {
              fail("needs 1 to 4 bucket counts, got " + std::to_string(o.num_buckets.size()));
            }
            for (int64_t buckets : o.num_buckets) {
              if (buckets <= 0 || buckets > kMaxMultiHashBuckets) {
                fail("bucket count " + std::to_string(buckets) + " is not in 1..2^40");
              }
            }
            if (o.primes.size() != o.num_buckets.size())
              fail("primes missing (use make_multi_hash)");
          },
          [&](const Log1pOp&) {},
          [&](const NormalizeOp& o) {
            if (!std::isfinite(o.mean)) fail("mean must be finite");
            if (!std::isfinite(o.std) || o.std <= 0)
              fail("std must be positive, got " + number(o.std));
          },
          [&](const FillMissingOp& o) {
            if (std::isnan(o.value)) fail("the fill value must not be NaN");
          },
          [&](const ClipOp& o) {
            if (std::isnan(o.lo) || std::isnan(o.hi) || o.lo > o.hi) {
              fail("needs lo <= hi, got lo=" + number(o.lo) + " hi=" + number(o.hi));
            }
          },
      },
      op);
}

int64_t largest_prime_at_most(int64_t x) {
  for (int64_t n = x; n >= 2; --n) {
    if (is_prime(n)) return n;
  }
  throw Error("largest_prime_at_most: no prime <= " + std::to_string(x));
}

MultiHashOp make_multi_hash(std::vector<int64_t> num_buckets) {
  MultiHashOp op;
  op.num_buckets = std::move(num_buckets);
  for (std::size_t i = 0; i < op.num_buckets.size() && i < kMaxMultiHashes; ++i) {
    const int64_t buckets = op.num_buckets[i];
    if (buckets > 0 && buckets <= kMaxMultiHashBuckets) {
      op.primes.push_back(largest_prime_at_most(kMultiHashMods[i] * buckets));
    }
  }
  return op;
}

}  // namespace recis::feature

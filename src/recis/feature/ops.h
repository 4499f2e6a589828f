// The feature ops (RecIS's semantics), as plain parameter structs in one variant. A feature is a
// chain of them that starts with a select. Each op has a name ("mod"), a signature that covers
// every parameter ("mod(m=1000)", used to find duplicate features) and a validator that throws
// recis::ConfigError naming the feature and the op. The kernels live in fused_kernels.h.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "recis/common/hash.h"

namespace recis::feature {

// The feature's input column. `dim`, when set, is the rank the column must have: 1 = dense [B],
// 2 = one list per row (2-level ragged or dense [B, K]), 3 = lists of lists (3-level ragged).
struct SelectOp {
  std::string column;
  std::optional<int> dim;
};
// Several input columns, for a cross.
struct SelectFieldsOp {
  std::vector<std::string> columns;
};
// Byte strings -> int64 (all 64 bits): one id per string; the bytes level is dropped (rows of one
// string each, a single offsets level, give one id per row). Weights stay with their strings.
struct HashOp {
  HashKind kind = HashKind::Farm;
};
// Ids reinterpreted as uint64, % m, stored as int64.
struct ModOp {
  int64_t m = 0;
};
// Index = number of boundaries <= value (torch.bucketize(right=True)); boundaries ascending.
struct BucketizeOp {
  std::vector<double> boundaries;
};
// Two selected columns -> per row, the product of their deduplicated, ascending ids (first weight
// of a duplicate wins); id = MurmurHash64A(seed 0) of the two ids as 16 little-endian bytes,
// weight = wx * wy (weights exist when either input has them; a missing side counts as 1). Both
// columns are 2-level int64 raggeds (or dense [B] / [B, K]) with the same number of rows.
struct CrossOp {};
enum class TruncateSide { Left, Right };
// Keeps seq_len entries per row: Left keeps the last, Right the first. With 3 levels each row
// becomes exactly seq_len inner lists, padded with empty lists at the end. check_length turns a
// row longer than seq_len into an error instead. seq_len is at most 2^24.
struct TruncateOp {
  int64_t seq_len = 0;
  TruncateSide side = TruncateSide::Left;
  bool check_length = false;
  int n_dims = 2;
};
// out_i = ((x * mul_i % prime_i) + prime_i) % prime_i % num_buckets_i for i < num_buckets.size()
// (at most 4), with mul = {1, 3, 5, 7} and prime_i the largest prime <= {29, 47, 67, 83}[i] *
// num_buckets_i. Output i is named "<feature>_multi_hash_<i>"; must be the feature's last op.
inline constexpr int64_t kMultiHashMultipliers[] = {1, 3, 5, 7};
struct MultiHashOp {
  std::vector<int64_t> num_buckets;
  std::vector<int64_t> primes;  // derived by make_multi_hash
};
// Numeric columns (float values; integer values become float32): log(1 + x), (x - mean) / std,
// NaN -> value, clamp to [lo, hi] (Clip also keeps integer dtypes).
struct Log1pOp {};
struct NormalizeOp {
  double mean = 0;
  double std = 1;
};
struct FillMissingOp {
  double value = 0;
};
struct ClipOp {
  double lo = 0;
  double hi = 0;
};

using Op = std::variant<SelectOp, SelectFieldsOp, HashOp, ModOp, BucketizeOp, CrossOp, TruncateOp,
                        MultiHashOp, Log1pOp, NormalizeOp, FillMissingOp, ClipOp>;

// "select", "hash", "mod", "bucketize", "cross", "truncate", "multi_hash", "log1p", "normalize",
// "fill_missing", "clip".
std::string op_name(const Op& op);
std::string op_signature(const Op& op);

// Throws ConfigError "feature 'F' op OP: ..." when a parameter is out of range.
void validate_op(const Op& op, const std::string& feature);

// A MultiHashOp with its primes computed (validate_op checks the bucket counts).
MultiHashOp make_multi_hash(std::vector<int64_t> num_buckets);
// The largest prime <= x (x >= 2).
int64_t largest_prime_at_most(int64_t x);

// The prefix of every error about an op: "feature 'F' op OP".
std::string op_context(const std::string& feature, const Op& op);

}  // namespace recis::feature

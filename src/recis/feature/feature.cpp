#include "recis/feature/feature.h"

#include "recis/common/error.h"

namespace recis::feature {

Feature::Feature(std::string name) : name_(std::move(name)) {
  if (name_.empty()) throw ConfigError("a feature needs a non-empty name");
}

Feature& Feature::add(Op op) {
  validate_op(op, name_);
  ops_.push_back(std::move(op));
  return *this;
}

Feature& Feature::select(const std::string& column, std::optional<int> dim) {
  return add(SelectOp{column, dim});
}
Feature& Feature::select_fields(const std::vector<std::string>& columns) {
  return add(SelectFieldsOp{columns});
}
Feature& Feature::hash(const std::string& kind) {
  return add(HashOp{parse_hash_kind(kind, "feature '" + name_ + "' op hash")});
}
Feature& Feature::mod(int64_t m) { return add(ModOp{m}); }
Feature& Feature::bucketize(std::vector<double> boundaries) {
  return add(BucketizeOp{std::move(boundaries)});
}
Feature& Feature::cross() { return add(CrossOp{}); }
Feature& Feature::truncate(int64_t seq_len, const std::string& side, bool check_length,
                           int n_dims) {
  if (side != "left" && side != "right") {
    throw ConfigError("feature '" + name_ + "' op truncate: side '" + side +
                      "' is not left or right");
  }
  return add(TruncateOp{seq_len, side == "left" ? TruncateSide::Left : TruncateSide::Right,
                        check_length, n_dims});
}
Feature& Feature::multi_hash(std::vector<int64_t> num_buckets) {
  return add(make_multi_hash(std::move(num_buckets)));
}
Feature& Feature::log1p() { return add(Log1pOp{}); }
Feature& Feature::normalize(double mean, double std) { return add(NormalizeOp{mean, std}); }
Feature& Feature::fill_missing(double value) { return add(FillMissingOp{value}); }
Feature& Feature::clip(double lo, double hi) { return add(ClipOp{lo, hi}); }

std::string Feature::signature() const {
  std::string out;
  for (const auto& op : ops_) out += op_signature(op) + ";";
  return out;
}

std::vector<std::string> Feature::input_columns() const {
  if (ops_.empty()) return {};
  if (const auto* one = std::get_if<SelectOp>(&ops_.front())) return {one->column};
  if (const auto* many = std::get_if<SelectFieldsOp>(&ops_.front())) return many->columns;
  return {};
}

void Feature::check_chain() const {
  const std::string where = "feature '" + name_ + "'";
  if (ops_.empty()) throw ConfigError(where + " has no ops; it must start with select");
  const bool many = std::holds_alternative<SelectFieldsOp>(ops_.front());
  if (!many && !std::holds_alternative<SelectOp>(ops_.front())) {
    throw ConfigError(where + " starts with " + op_name(ops_.front()) +
                      "; the first op must be select");
  }
  for (std::size_t i = 1; i < ops_.size(); ++i) {
    const Op& op = ops_[i];
    if (std::holds_alternative<SelectOp>(op) || std::holds_alternative<SelectFieldsOp>(op)) {
      throw ConfigError(where + " op " + std::to_string(i) + " selects again; select only first");
    }
    const bool is_cross = std::holds_alternative<CrossOp>(op);
    if (is_cross && !(i == 1 && many)) {
      throw ConfigError(op_context(name_, op) +
                        ": cross must directly follow a select of two columns");
    }
    if (std::holds_alternative<MultiHashOp>(op) && i + 1 != ops_.size()) {
      throw ConfigError(op_context(name_, op) + ": multi_hash must be the last op");
    }
  }
  if (many) {
    const auto& columns = std::get<SelectFieldsOp>(ops_.front()).columns;
    if (ops_.size() < 2 || !std::holds_alternative<CrossOp>(ops_[1])) {
      throw ConfigError(where + " selects " + std::to_string(columns.size()) +
                        " columns; that select must be followed by cross");
    }
    if (columns.size() != 2) {
      throw ConfigError(op_context(name_, ops_[1]) + ": crosses exactly 2 columns, got " +
                        std::to_string(columns.size()));
    }
  }
}

}  // namespace recis::feature

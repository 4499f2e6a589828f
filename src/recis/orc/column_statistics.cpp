#include "recis/orc/column_statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace recis::orc {
namespace {

constexpr std::int64_t kMillisPerSecond = 1000;
constexpr std::int64_t kNanosPerMilli = 1'000'000;
// The largest magnitude a decimal(38) holds: 10^38 - 1.
constexpr __int128 kMaxDecimal128 = (static_cast<__int128>(0x4b3b4ca85a86c47aULL) << 64) +
                                    static_cast<__int128>(0x098a223fffffffffULL);

}  // namespace

StatisticsBuilder::StatisticsBuilder(const Type& type) : scale_(type.scale()) {
  switch (type.kind()) {
    case TypeKind::Byte:
    case TypeKind::Short:
    case TypeKind::Int:
    case TypeKind::Long: family_ = Family::Integer; break;
    case TypeKind::Boolean: family_ = Family::Boolean; break;
    case TypeKind::Float:
    case TypeKind::Double: family_ = Family::Double; break;
    case TypeKind::String:
    case TypeKind::Varchar:
    case TypeKind::Char: family_ = Family::String; break;
    case TypeKind::Binary: family_ = Family::Binary; break;
    case TypeKind::Decimal: family_ = Family::Decimal; break;
    case TypeKind::Date: family_ = Family::Date; break;
    case TypeKind::Timestamp:
    case TypeKind::TimestampInstant: family_ = Family::Timestamp; break;
    case TypeKind::List:
    case TypeKind::Map: family_ = Family::Collection; break;
    case TypeKind::Struct:
    case TypeKind::Union: family_ = Family::Plain; break;
  }
}

void StatisticsBuilder::add_integer(std::int64_t value) {
  if (count_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  if (!sum_overflowed_) sum_overflowed_ = __builtin_add_overflow(sum_, value, &sum_);
  ++count_;
}

void StatisticsBuilder::add_date(std::int64_t days) { add_integer(days); }

void StatisticsBuilder::add_collection(std::uint64_t children) {
  add_integer(static_cast<std::int64_t>(children));
}

void StatisticsBuilder::add_boolean(bool value) {
  sum_ += value ? 1 : 0;
  ++count_;
}

void StatisticsBuilder::add_binary(std::size_t length) {
  if (!sum_overflowed_) {
    sum_overflowed_ = __builtin_add_overflow(sum_, static_cast<std::int64_t>(length), &sum_);
  }
  ++count_;
}

void StatisticsBuilder::add_double(double value) {
  // NaN has no place in an order: it is counted, not ranged.
  if (!std::isnan(value)) {
    double_min_ = std::min(double_min_, value);
    double_max_ = std::max(double_max_, value);
    double_sum_ += value;
  }
  ++count_;
}

void StatisticsBuilder::add_string(std::string_view value) {
  if (count_ == 0) {
    string_min_ = string_max_ = value;
  } else if (value < string_min_) {
    string_min_ = value;
  } else if (value > string_max_) {
    string_max_ = value;
  }
  if (!sum_overflowed_) {
    sum_overflowed_ = __builtin_add_overflow(sum_, static_cast<std::int64_t>(value.size()), &sum_);
  }
  ++count_;
}

void StatisticsBuilder::add_decimal(__int128 unscaled) {
  if (count_ == 0) {
    decimal_min_ = decimal_max_ = unscaled;
  } else {
    decimal_min_ = std::min(decimal_min_, unscaled);
    decimal_max_ = std::max(decimal_max_, unscaled);
  }
  if (!sum_overflowed_) {
    decimal_sum_ += unscaled;  // both within +-10^38, so no int128 overflow
    sum_overflowed_ = decimal_sum_ > kMaxDecimal128 || decimal_sum_ < -kMaxDecimal128;
  }
  ++count_;
}

void StatisticsBuilder::add_timestamp(std::int64_t seconds, std::int32_t nanos) {
  const std::int64_t millis = seconds * kMillisPerSecond + nanos / kNanosPerMilli;
  if (count_ == 0) {
    min_ = max_ = millis;
  } else {
    min_ = std::min(min_, millis);
    max_ = std::max(max_, millis);
  }
  ++count_;
}

void StatisticsBuilder::merge(const StatisticsBuilder& other) {
  has_null_ |= other.has_null_;
  if (other.count_ == 0) return;
  const bool first = count_ == 0;
  switch (family_) {
    case Family::Integer:
    case Family::Date:
    case Family::Timestamp:
    case Family::Collection:
      min_ = first ? other.min_ : std::min(min_, other.min_);
      max_ = first ? other.max_ : std::max(max_, other.max_);
      [[fallthrough]];
    case Family::Boolean:
    case Family::Binary:
      sum_overflowed_ = sum_overflowed_ || other.sum_overflowed_ ||
                        __builtin_add_overflow(sum_, other.sum_, &sum_);
      break;
    case Family::Double:
      double_min_ = std::min(double_min_, other.double_min_);
      double_max_ = std::max(double_max_, other.double_max_);
      double_sum_ += other.double_sum_;
      break;
    case Family::String:
      string_min_ = first ? other.string_min_ : std::min(string_min_, other.string_min_);
      string_max_ = first ? other.string_max_ : std::max(string_max_, other.string_max_);
      sum_overflowed_ = sum_overflowed_ || other.sum_overflowed_ ||
                        __builtin_add_overflow(sum_, other.sum_, &sum_);
      break;
    case Family::Decimal:
      decimal_min_ = first ? other.decimal_min_ : std::min(decimal_min_, other.decimal_min_);
      decimal_max_ = first ? other.decimal_max_ : std::max(decimal_max_, other.decimal_max_);
      sum_overflowed_ = sum_overflowed_ || other.sum_overflowed_;
      if (!sum_overflowed_) {
        decimal_sum_ += other.decimal_sum_;
        sum_overflowed_ = decimal_sum_ > kMaxDecimal128 || decimal_sum_ < -kMaxDecimal128;
      }
      break;
    case Family::Plain: break;
  }
  count_ += other.count_;
}

void StatisticsBuilder::reset() {
  count_ = 0;
  has_null_ = false;
  min_ = max_ = sum_ = 0;
  sum_overflowed_ = false;
  double_min_ = std::numeric_limits<double>::infinity();
  double_max_ = -std::numeric_limits<double>::infinity();
  double_sum_ = 0;
  string_min_.clear();
  string_max_.clear();
  decimal_min_ = decimal_max_ = decimal_sum_ = 0;
}

proto::ColumnStatistics StatisticsBuilder::to_proto() const {
  proto::ColumnStatistics stats;
  stats.set_number_of_values(count_);
  stats.set_has_null(has_null_);
  if (count_ == 0 && family_ != Family::Boolean) return stats;
  switch (family_) {
    case Family::Integer: {
      auto* out = stats.mutable_int_statistics();
      out->set_minimum(min_);
      out->set_maximum(max_);
      if (!sum_overflowed_) out->set_sum(sum_);
      break;
    }
    case Family::Boolean:
      stats.mutable_bucket_statistics()->add_count(static_cast<std::uint64_t>(sum_));
      break;
    case Family::Double: {
      auto* out = stats.mutable_double_statistics();
      if (double_min_ <= double_max_) {
        out->set_minimum(double_min_);
        out->set_maximum(double_max_);
      }
      if (std::isfinite(double_sum_)) out->set_sum(double_sum_);
      break;
    }
    case Family::String: {
      auto* out = stats.mutable_string_statistics();
      out->set_minimum(string_min_);
      out->set_maximum(string_max_);
      if (!sum_overflowed_) out->set_sum(sum_);
      break;
    }
    case Family::Binary:
      if (!sum_overflowed_) stats.mutable_binary_statistics()->set_sum(sum_);
      break;
    case Family::Decimal: {
      auto* out = stats.mutable_decimal_statistics();
      out->set_minimum(decimal_to_string(decimal_min_, scale_));
      out->set_maximum(decimal_to_string(decimal_max_, scale_));
      if (!sum_overflowed_) out->set_sum(decimal_to_string(decimal_sum_, scale_));
      break;
    }
    case Family::Date: {
      auto* out = stats.mutable_date_statistics();
      out->set_minimum(static_cast<std::int32_t>(min_));
      out->set_maximum(static_cast<std::int32_t>(max_));
      break;
    }
    case Family::Timestamp: {
      // Written in UTC, so the writer-local and the UTC ranges are the same.
      auto* out = stats.mutable_timestamp_statistics();
      out->set_minimum(min_);
      out->set_maximum(max_);
      out->set_minimum_utc(min_);
      out->set_maximum_utc(max_);
      break;
    }
    case Family::Collection: {
      auto* out = stats.mutable_collection_statistics();
      out->set_min_children(static_cast<std::uint64_t>(min_));
      out->set_max_children(static_cast<std::uint64_t>(max_));
      if (!sum_overflowed_) out->set_total_children(static_cast<std::uint64_t>(sum_));
      break;
    }
    case Family::Plain: break;
  }
  return stats;
}

std::string decimal_to_string(__int128 unscaled, std::uint32_t scale) {
  const bool negative = unscaled < 0;
  unsigned __int128 magnitude =
      negative ? static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(unscaled)
               : static_cast<unsigned __int128>(unscaled);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  while (digits.size() <= scale) digits.push_back('0');  // at least one digit before the point
  std::string text = negative ? "-" : "";
  for (std::size_t i = digits.size(); i-- > 0;) {
    text.push_back(digits[i]);
    if (i == scale && scale > 0) text.push_back('.');
  }
  return text;
}

}  // namespace recis::orc

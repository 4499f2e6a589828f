// StatisticsBuilder: the column statistics the ORC writer records per row group (row index),
// per stripe (file metadata) and per file (footer): count of non-null values, hasNull, and by
// type min/max/sum (integers, doubles, strings as byte strings with the length sum, decimals as
// decimal strings), true count (booleans), byte sum (binary), day range (dates), millisecond
// range in UTC (timestamps) and child counts (lists, maps). Column writers feed values; the
// writer merges row group -> stripe -> file. Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "recis/orc/orc_proto.pb.h"
#include "recis/orc/type.h"

namespace recis::orc {

class StatisticsBuilder {
 public:
  explicit StatisticsBuilder(const Type& type);

  void add_null() { has_null_ = true; }
  // Counts a non-null value of a type with no further statistics (struct, union).
  void add_value() { ++count_; }
  void add_integer(std::int64_t value);
  void add_boolean(bool value);
  void add_double(double value);
  void add_string(std::string_view value);
  void add_binary(std::size_t length);
  void add_decimal(__int128 unscaled);
  void add_date(std::int64_t days);
  void add_timestamp(std::int64_t seconds, std::int32_t nanos);
  void add_collection(std::uint64_t children);

  void merge(const StatisticsBuilder& other);
  void reset();
  proto::ColumnStatistics to_proto() const;

  std::uint64_t count() const { return count_; }
  bool has_null() const { return has_null_; }

 private:
  enum class Family { Plain, Integer, Boolean, Double, String, Binary, Decimal, Date, Timestamp, Collection };

  Family family_;
  std::uint32_t scale_ = 0;  // decimals
  std::uint64_t count_ = 0;
  bool has_null_ = false;
  // Integers, dates, timestamps (milliseconds), booleans (true count in sum), binary (sum),
  // collections (children: min, max, sum).
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  std::int64_t sum_ = 0;
  bool sum_overflowed_ = false;
  double double_min_ = std::numeric_limits<double>::infinity();
  double double_max_ = -std::numeric_limits<double>::infinity();
  double double_sum_ = 0;
  std::string string_min_, string_max_;
  __int128 decimal_min_ = 0, decimal_max_ = 0, decimal_sum_ = 0;
};

// The decimal text of unscaled / 10^scale ("-12.3400" for -123400 at scale 4).
std::string decimal_to_string(__int128 unscaled, std::uint32_t scale);

}  // namespace recis::orc

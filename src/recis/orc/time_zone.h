// TimeZone: a named zone from the system tz database (/usr/share/zoneinfo), for ORC timestamps.
// ORC TIMESTAMP values are stored as seconds since 2015-01-01 00:00:00 in the writer's zone; the
// reader turns them into UTC instants and the row printer back into the writer's wall-clock
// time, so nothing depends on the TZ of the reading process. Thread-safety: find() is safe from
// any thread (a locked cache); TimeZone objects are immutable and live for the process.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace recis::orc {

// A wall-clock time (proleptic Gregorian).
struct CivilTime {
  std::int64_t year;
  int month;   // 1..12
  int day;     // 1..31
  int hour;
  int minute;
  int second;
};

// Days since 1970-01-01 to a calendar date (hour/minute/second are 0).
CivilTime civil_from_days(std::int64_t days);

class TimeZone {
 public:
  // The zone named `name` ("UTC", "America/Los_Angeles", ...). Throws FormatError when the
  // system tz database does not have it.
  static const TimeZone& find(const std::string& name);

  const std::string& name() const { return name_; }
  // The UTC instant of 2015-01-01 00:00:00 wall-clock time here (ORC's timestamp epoch).
  std::int64_t orc_epoch() const { return orc_epoch_; }
  // The wall-clock time here at a UTC instant (seconds since 1970-01-01 00:00:00 UTC).
  CivilTime to_civil(std::int64_t utc_seconds) const;

  struct Impl;
  TimeZone(std::string name, std::unique_ptr<Impl> impl);
  ~TimeZone();

 private:
  std::string name_;
  std::unique_ptr<Impl> impl_;
  std::int64_t orc_epoch_;
};

}  // namespace recis::orc

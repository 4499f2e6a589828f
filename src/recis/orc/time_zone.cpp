#include "recis/orc/time_zone.h"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <map>
#include <mutex>

#include "recis/orc/format_error.h"

namespace recis::orc {

struct TimeZone::Impl {
  absl::TimeZone zone;
};

CivilTime civil_from_days(std::int64_t days) {
  // Howard Hinnant's days -> civil algorithm (proleptic Gregorian, any int64 day count that
  // keeps the year in range).
  // 128-bit intermediates: any int64 day count (a corrupt file's) stays defined.
  const __int128 z = static_cast<__int128>(days) + 719468;
  const __int128 era = (z >= 0 ? z : z - 146096) / 146097;
  const __int128 doe = z - era * 146097;
  const __int128 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const __int128 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const __int128 mp = (5 * doy + 2) / 153;
  const auto day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const auto month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const auto year = static_cast<std::int64_t>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day, 0, 0, 0};
}

TimeZone::TimeZone(std::string name, std::unique_ptr<Impl> impl)
    : name_(std::move(name)), impl_(std::move(impl)) {
  const absl::Time epoch = absl::FromCivil(absl::CivilSecond(2015, 1, 1, 0, 0, 0), impl_->zone);
  orc_epoch_ = absl::ToUnixSeconds(epoch);
}

TimeZone::~TimeZone() = default;

const TimeZone& TimeZone::find(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<TimeZone>, std::less<>> zones;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = zones.find(name);
  if (it != zones.end()) return *it->second;
  auto impl = std::make_unique<Impl>();
  if (!absl::LoadTimeZone(name, &impl->zone)) {
    throw FormatError("time zone '" + name + "' is not in the system tz database");
  }
  auto zone = std::make_unique<TimeZone>(name, std::move(impl));
  return *zones.emplace(name, std::move(zone)).first->second;
}

CivilTime TimeZone::to_civil(std::int64_t utc_seconds) const {
  const absl::CivilSecond civil = impl_->zone.At(absl::FromUnixSeconds(utc_seconds)).cs;
  return {civil.year(), civil.month(), civil.day(), civil.hour(), civil.minute(), civil.second()};
}

}  // namespace recis::orc

// Column reader for timestamp and timestamp with local time zone: DATA holds seconds since
// 2015-01-01 00:00:00 (in the writer's zone for TIMESTAMP, in UTC for the instant kind), signed
// RLE; SECONDARY the nanoseconds, unsigned RLE with the count of trailing decimal zeros in the
// low 3 bits. Values come out as UTC instants.
#include <cstdint>
#include <string>
#include <vector>

#include "recis/orc/column_readers.h"
#include "recis/orc/format_error.h"
#include "recis/orc/time_zone.h"

namespace recis::orc {
namespace {

constexpr std::int64_t kMaxNanos = 999999999;

class TimestampColumnReader final : public ColumnReader {
 public:
  TimestampColumnReader(const Type& type, const StripeStreams& streams)
      : ColumnReader(type, streams),
        seconds_(int_stream(proto::Stream::DATA, true)),
        nanos_(int_stream(proto::Stream::SECONDARY, false)),
        zone_name_(type.kind() == TypeKind::TimestampInstant ? std::string("UTC")
                                                             : streams.writer_timezone()) {
    try {
      epoch_ = TimeZone::find(zone_name_).orc_epoch();
    } catch (const FormatError& e) {
      fail(std::string("writer ") + e.what());
    }
  }

  void read_rows(ColumnVector& out, std::size_t rows, const std::uint8_t* incoming) override {
    const std::size_t count = append_present(out, rows, incoming);
    auto& vector = static_cast<TimestampVector&>(out);
    vector.writer_timezone = zone_name_;
    const std::size_t start = vector.seconds.size();
    vector.seconds.resize(start + rows);
    vector.nanos.resize(start + rows);
    std::int64_t* seconds = vector.seconds.data() + start;
    std::int32_t* nanos = vector.nanos.data() + start;
    raw_nanos_.resize(count);
    seconds_->next(seconds, count);
    nanos_->next(raw_nanos_.data(), count);
    for (std::size_t i = 0; i < count; ++i) {
      const auto encoded = static_cast<std::uint64_t>(raw_nanos_[i]);
      std::uint64_t value = encoded >> 3;
      const int zeros = static_cast<int>(encoded & 7);
      if (zeros != 0) {
        for (int z = 0; z <= zeros; ++z) value *= 10;
      }
      if (value > static_cast<std::uint64_t>(kMaxNanos)) {
        throw FormatError("nanoseconds " + std::to_string(value) +
                          " exceed 999999999");
      }
      // Wrapping add: a corrupt seconds value must not be undefined behaviour.
      std::int64_t utc = static_cast<std::int64_t>(static_cast<std::uint64_t>(seconds[i]) +
                                                   static_cast<std::uint64_t>(epoch_));
      // Writers truncated negative times toward zero; the fraction belongs to the second before.
      if (utc < 0 && value > 999999 && utc != INT64_MIN) --utc;
      seconds[i] = utc;
      nanos[i] = static_cast<std::int32_t>(value);
    }
    spread_to_present(seconds, rows, count, appended_present(out, rows));
    spread_to_present(nanos, rows, count, appended_present(out, rows));
  }

 private:
  std::unique_ptr<IntDecoder> seconds_;
  std::unique_ptr<IntDecoder> nanos_;
  std::string zone_name_;
  std::int64_t epoch_ = 0;
  std::vector<std::int64_t> raw_nanos_;
};

}  // namespace

std::unique_ptr<ColumnReader> make_timestamp_reader(const Type& type, const StripeStreams& streams) {
  return std::make_unique<TimestampColumnReader>(type, streams);
}

}  // namespace recis::orc

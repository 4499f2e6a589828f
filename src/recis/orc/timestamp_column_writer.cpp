// The column writer for timestamp (and timestamp with local time zone): seconds relative to
// 2015-01-01 00:00:00 UTC in DATA (signed RLE), nanoseconds in SECONDARY with trailing decimal
// zeros folded into the low three bits. The writer's time zone is UTC. Like Apache ORC, a
// negative second with at least a millisecond of nanos is stored one second later (readers
// undo it).
#include <string>

#include "recis/orc/typed_column_writers.h"

namespace recis::orc {
namespace {

constexpr std::int64_t kOrcEpochSeconds = 1'420'070'400;  // 2015-01-01 00:00:00 UTC
constexpr std::int32_t kMaxNanos = 999'999'999;

// Nanoseconds with trailing decimal zeros removed; the low three bits hold zeros - 1 when two
// or more zeros were removed (1000 -> 0x0a, 100000 -> 0x0c).
std::int64_t encode_nanos(std::int32_t nanos) {
  if (nanos == 0 || nanos % 100 != 0) return static_cast<std::int64_t>(nanos) << 3;
  std::int64_t value = nanos / 100;
  int zeros = 1;
  while (value % 10 == 0 && zeros < 7) {
    value /= 10;
    ++zeros;
  }
  return (value << 3) | zeros;
}

class TimestampColumnWriter final : public ColumnWriter {
 public:
  TimestampColumnWriter(const Type& type, std::string name, const ColumnWriterContext& context)
      : ColumnWriter(type, std::move(name), context),
        seconds_(make_stream()),
        nanos_(make_stream()),
        seconds_encoder_(make_integer_encoder(context.rle_version, *seconds_, /*is_signed=*/true)),
        nanos_encoder_(make_integer_encoder(context.rle_version, *nanos_, /*is_signed=*/false)) {}

 protected:
  void write_values(const ColumnVector& vector, std::size_t begin, std::size_t end) override {
    const auto& timestamps = vector_as<TimestampVector>(vector, type(), name());
    require_size(timestamps.seconds.size(), end, "seconds");
    require_size(timestamps.nanos.size(), end, "nanos");
    for (std::size_t row = begin; row < end; ++row) {
      if (vector.is_null(row)) continue;
      std::int64_t seconds = timestamps.seconds[row];
      const std::int32_t nanos = timestamps.nanos[row];
      if (nanos < 0 || nanos > kMaxNanos) {
        fail(row, "nanoseconds " + std::to_string(nanos) + " outside 0..999999999");
      }
      std::int64_t relative = 0;
      if (__builtin_sub_overflow(seconds, kOrcEpochSeconds, &relative)) {
        fail(row, "seconds " + std::to_string(seconds) + " out of range");
      }
      stats().add_timestamp(seconds, nanos);
      if (seconds < 0 && nanos > 999'999) ++relative;
      seconds_encoder_->add(relative);
      nanos_encoder_->add(encode_nanos(nanos));
    }
  }
  void record_positions(std::vector<std::uint64_t>& positions) override {
    seconds_encoder_->record_position(positions);
    nanos_encoder_->record_position(positions);
  }
  void flush_streams(std::vector<StripeStream>& streams, proto::ColumnEncoding& encoding) override {
    seconds_encoder_->flush();
    nanos_encoder_->flush();
    seconds_->finish();
    nanos_->finish();
    streams.push_back({proto::Stream::DATA, type().column_id(), seconds_.get()});
    streams.push_back({proto::Stream::SECONDARY, type().column_id(), nanos_.get()});
    encoding.set_kind(context().rle_version == IntRleVersion::V2 ? proto::ColumnEncoding::DIRECT_V2
                                                                 : proto::ColumnEncoding::DIRECT);
  }
  void clear_streams() override {
    seconds_->clear();
    nanos_->clear();
  }
  std::size_t own_buffered_size() const override {
    return seconds_->buffered_size() + nanos_->buffered_size();
  }

 private:
  std::unique_ptr<OutputStream> seconds_;
  std::unique_ptr<OutputStream> nanos_;
  std::unique_ptr<IntegerEncoder> seconds_encoder_;
  std::unique_ptr<IntegerEncoder> nanos_encoder_;
};

}  // namespace

std::unique_ptr<ColumnWriter> make_timestamp_writer(const Type& type, std::string name,
                                                    const ColumnWriterContext& context) {
  return std::make_unique<TimestampColumnWriter>(type, std::move(name), context);
}

}  // namespace recis::orc

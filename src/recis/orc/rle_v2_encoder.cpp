#include "recis/orc/rle_v2_encoder.h"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>

#include "recis/orc/bit_unpacker.h"
#include "recis/orc/varint_encoder.h"

namespace recis::orc {
namespace {

enum class SubEncoding : std::uint8_t { ShortRepeat = 0, Direct = 1, PatchedBase = 2, Delta = 3 };

constexpr int kMaxPatches = 31;          // 5 bits in the PATCHED_BASE header
constexpr int kMaxPatchGap = 255;        // 8 bits of gap at most
constexpr std::int64_t kMaxPatchedBase = std::int64_t{1} << 56;

// Byte-friendly widths (1, 2, 4, 8, 16, 24, ..., 64) that decode fastest.
int closest_aligned_bits(int bits) {
  if (bits <= 1) return 1;
  if (bits <= 2) return 2;
  if (bits <= 4) return 4;
  if (bits <= 8) return 8;
  return closest_fixed_bits((bits + 7) / 8 * 8);
}

int bits_needed(std::uint64_t value) { return closest_fixed_bits(std::bit_width(value)); }

// The 5-bit code of a width closest_fixed_bits() returned.
constexpr int width_code(int bits) {
  if (bits <= 24) return bits - 1;
  switch (bits) {
    case 26: return 24;
    case 28: return 25;
    case 30: return 26;
    case 32: return 27;
    case 40: return 28;
    case 48: return 29;
    case 56: return 30;
    default: return 31;
  }
}

// How many of a block's values need each width code: one pass answers several percentiles.
class WidthHistogram {
 public:
  WidthHistogram(const std::uint64_t* values, int count) : count_(count) {
    static constexpr auto kCodeOfBitWidth = [] {
      std::array<std::uint8_t, 65> codes{};
      for (int width = 0; width <= 64; ++width) {
        codes[static_cast<std::size_t>(width)] =
            static_cast<std::uint8_t>(width_code(closest_fixed_bits(width)));
      }
      return codes;
    }();
    for (int i = 0; i < count; ++i) ++histogram_[kCodeOfBitWidth[std::bit_width(values[i])]];
  }

  // The smallest width that holds all but floor(count * (1 - p)) of the values (the Apache
  // writers' percentile, floating-point rounding included).
  int percentile_bits(double p) const {
    int allowed_above = static_cast<int>(count_ * (1.0 - p));
    for (int code = 31; code >= 0; --code) {
      allowed_above -= histogram_[code];
      if (allowed_above < 0) return decode_bit_width(code);
    }
    return 0;
  }

 private:
  int count_;
  int histogram_[32] = {};
};

// Packs `count` (at most kMaxBlock) values of `bits` bits each, most significant bit first,
// padding the last byte; one write to the stream.
void write_bit_packed(OutputStream& out, const std::uint64_t* values, int count, int bits) {
  std::array<std::uint8_t, RleV2Encoder::kMaxBlock * 8> packed;
  std::size_t size = 0;
  if (bits % 8 == 0) {
    for (int i = 0; i < count; ++i) {
      for (int shift = bits - 8; shift >= 0; shift -= 8) {
        packed[size++] = static_cast<std::uint8_t>(values[i] >> shift);
      }
    }
  } else {
    // Widths that are not whole bytes are at most 30 bits: the pending bits (< 8) and one value
    // fit in the accumulator.
    const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
    std::uint64_t pending = 0;  // the low `pending_bits` bits are not yet written
    int pending_bits = 0;
    for (int i = 0; i < count; ++i) {
      pending = (pending << bits) | (values[i] & mask);
      pending_bits += bits;
      while (pending_bits >= 8) {
        pending_bits -= 8;
        packed[size++] = static_cast<std::uint8_t>(pending >> pending_bits);
      }
    }
    if (pending_bits > 0) packed[size++] = static_cast<std::uint8_t>(pending << (8 - pending_bits));
  }
  out.write(packed.data(), size);
}

void write_header(OutputStream& out, SubEncoding encoding, int width_code_value, int count) {
  const int length = count - 1;
  out.write_byte(static_cast<std::uint8_t>((static_cast<int>(encoding) << 6) |
                                           (width_code_value << 1) | (length >> 8)));
  out.write_byte(static_cast<std::uint8_t>(length & 0xff));
}

}  // namespace

std::uint64_t RleV2Encoder::encode_sign(std::int64_t value) const {
  return signed_ ? zigzag_encode(value) : static_cast<std::uint64_t>(value);
}

void RleV2Encoder::add(const std::int64_t* values, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) add_one(values[i]);
}

void RleV2Encoder::add_one(std::int64_t value) {
  if (count_ > 0 && value == values_[count_ - 1]) {
    values_[count_++] = value;
    if (++tail_run_ == kMinRepeat && count_ > kMinRepeat) {
      // A run starts: the values before it go out as one block, the run stays buffered.
      write_block(count_ - kMinRepeat);
      std::fill_n(values_, kMinRepeat, value);
      count_ = kMinRepeat;
    }
    if (count_ == kMaxBlock) flush();
    return;
  }
  if (tail_run_ >= kMinRepeat) {
    write_run();
    count_ = 0;
  }
  values_[count_++] = value;
  tail_run_ = 1;
  if (count_ == kMaxBlock) flush();
}

void RleV2Encoder::flush() {
  if (count_ > 0) {
    if (tail_run_ >= kMinRepeat) {
      write_run();
    } else {
      write_block(count_);
    }
  }
  count_ = 0;
  tail_run_ = 0;
}

void RleV2Encoder::record_position(std::vector<std::uint64_t>& positions) const {
  out_.record_position(positions);
  positions.push_back(static_cast<std::uint64_t>(count_));
}

void RleV2Encoder::write_run() {
  if (count_ > kMaxShortRepeat) {
    write_delta(count_, /*fixed_delta=*/true);
    return;
  }
  const std::uint64_t value = encode_sign(values_[0]);
  const int bytes = (bits_needed(value) + 7) / 8;
  out_.write_byte(static_cast<std::uint8_t>((static_cast<int>(SubEncoding::ShortRepeat) << 6) |
                                            ((bytes - 1) << 3) | (count_ - kMinRepeat)));
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out_.write_byte(static_cast<std::uint8_t>(value >> shift));
  }
}

void RleV2Encoder::write_block(int count) {
  if (count <= kMinRepeat) {
    write_direct(count);
    return;
  }
  std::int64_t min = values_[0];
  std::int64_t max = values_[0];
  bool increasing = true;
  bool decreasing = true;
  for (int i = 1; i < count; ++i) {
    min = std::min(min, values_[i]);
    max = std::max(max, values_[i]);
    increasing &= values_[i - 1] <= values_[i];
    decreasing &= values_[i - 1] >= values_[i];
  }
  std::int64_t range = 0;
  if (__builtin_sub_overflow(max, min, &range)) {
    write_direct(count);  // deltas would overflow; DIRECT is always possible
    return;
  }
  // From here every difference of two values fits in an int64.
  const std::int64_t first_delta = values_[1] - values_[0];
  bool fixed_delta = true;
  for (int i = 2; i < count && fixed_delta; ++i) fixed_delta = values_[i] - values_[i - 1] == first_delta;
  if (fixed_delta) {
    write_delta(count, /*fixed_delta=*/true);
    return;
  }
  if (first_delta != 0 && (increasing || decreasing)) {
    write_delta(count, /*fixed_delta=*/false);
    return;
  }
  for (int i = 0; i < count; ++i) scratch_[i] = encode_sign(values_[i]);
  const WidthHistogram widths(scratch_, count);
  const int bits_100 = widths.percentile_bits(1.0);
  const int bits_90 = widths.percentile_bits(0.9);
  if (bits_100 - bits_90 > 1 && min > -kMaxPatchedBase && min < kMaxPatchedBase) {
    for (int i = 0; i < count; ++i) scratch_[i] = static_cast<std::uint64_t>(values_[i] - min);
    const WidthHistogram reduced(scratch_, count);
    const int reduced_95 = reduced.percentile_bits(0.95);
    const int reduced_100 = reduced.percentile_bits(1.0);
    if (reduced_100 != reduced_95 && write_patched_base(count, min, reduced_95, reduced_100)) {
      return;
    }
    write_direct(count);  // scratch_ no longer holds the sign-encoded values
    return;
  }
  write_encoded_direct(count, bits_100);
}

void RleV2Encoder::write_direct(int count) {
  for (int i = 0; i < count; ++i) scratch_[i] = encode_sign(values_[i]);
  write_encoded_direct(count, WidthHistogram(scratch_, count).percentile_bits(1.0));
}

void RleV2Encoder::write_encoded_direct(int count, int bits_100) {
  const int bits = closest_aligned_bits(bits_100);
  write_header(out_, SubEncoding::Direct, width_code(bits), count);
  write_bit_packed(out_, scratch_, count, bits);
}

bool RleV2Encoder::write_patched_base(int count, std::int64_t min, int reduced_bits_95,
                                      int reduced_bits_100) {
  // scratch_ holds values - min. Values above `mask` keep their low bits in the data and their
  // high bits in a patch; gaps between patched indices above 255 take extra empty patches.
  const int patch_bits = closest_fixed_bits(reduced_bits_100 - reduced_bits_95);
  // Rounding the patch width up can make value + patch exceed 64 bits; some readers reject
  // that, so such blocks go out as DIRECT.
  if (reduced_bits_95 + patch_bits > 64) return false;
  const std::uint64_t mask = (std::uint64_t{1} << reduced_bits_95) - 1;
  std::uint64_t gaps[kMaxPatches];
  std::uint64_t patches[kMaxPatches];
  int num_patches = 0;
  int max_gap = 0;
  int previous = 0;
  for (int i = 0; i < count; ++i) {
    if (scratch_[i] <= mask) continue;
    int gap = i - previous;
    previous = i;
    while (gap > kMaxPatchGap) {
      if (num_patches == kMaxPatches) return false;
      gaps[num_patches] = kMaxPatchGap;
      patches[num_patches++] = 0;
      gap -= kMaxPatchGap;
      max_gap = kMaxPatchGap;
    }
    if (num_patches == kMaxPatches) return false;
    gaps[num_patches] = static_cast<std::uint64_t>(gap);
    patches[num_patches++] = scratch_[i] >> reduced_bits_95;
    max_gap = std::max(max_gap, gap);
  }
  const int gap_bits = max_gap == 0 ? 1 : closest_fixed_bits(std::bit_width(unsigned(max_gap)));
  if (gap_bits + patch_bits > 64) return false;

  const bool negative = min < 0;
  std::uint64_t base = negative ? static_cast<std::uint64_t>(-min) : static_cast<std::uint64_t>(min);
  const int base_bytes = (bits_needed(base) + 1 + 7) / 8;  // one more bit for the sign
  if (negative) base |= std::uint64_t{1} << (base_bytes * 8 - 1);

  write_header(out_, SubEncoding::PatchedBase, width_code(reduced_bits_95), count);
  out_.write_byte(static_cast<std::uint8_t>(((base_bytes - 1) << 5) | width_code(patch_bits)));
  out_.write_byte(static_cast<std::uint8_t>(((gap_bits - 1) << 5) | num_patches));
  for (int shift = (base_bytes - 1) * 8; shift >= 0; shift -= 8) {
    out_.write_byte(static_cast<std::uint8_t>(base >> shift));
  }
  for (int i = 0; i < count; ++i) scratch_[i] &= mask;
  write_bit_packed(out_, scratch_, count, reduced_bits_95);
  for (int i = 0; i < num_patches; ++i) scratch_[i] = (gaps[i] << patch_bits) | patches[i];
  write_bit_packed(out_, scratch_, num_patches, closest_fixed_bits(gap_bits + patch_bits));
  return true;
}

void RleV2Encoder::write_delta(int count, bool fixed_delta) {
  const std::int64_t first_delta = count > 1 ? values_[1] - values_[0] : 0;
  int bits = 0;
  if (!fixed_delta) {
    std::uint64_t max_step = 0;
    for (int i = 2; i < count; ++i) {
      const std::int64_t step = values_[i] - values_[i - 1];
      scratch_[i - 2] = static_cast<std::uint64_t>(step < 0 ? -step : step);
      max_step = std::max(max_step, scratch_[i - 2]);
    }
    // Width code 0 means "no deltas" here, so one-bit deltas take two bits.
    bits = std::max(2, closest_aligned_bits(bits_needed(max_step)));
  }
  write_header(out_, SubEncoding::Delta, fixed_delta ? 0 : width_code(bits), count);
  write_varint(out_, encode_sign(values_[0]));
  write_varint(out_, zigzag_encode(first_delta));
  if (!fixed_delta) write_bit_packed(out_, scratch_, count - 2, bits);
}

}  // namespace recis::orc

#include "recis/orc/rle_v2_decoder.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "recis/orc/bit_unpacker.h"

namespace recis::orc {
namespace {

enum RunKind { kShortRepeat = 0, kDirect = 1, kPatchedBase = 2, kDelta = 3 };

constexpr std::size_t kMinShortRepeat = 3;
constexpr std::size_t kMaxPatchListLength = 31;

void unzigzag_all(std::int64_t* values, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    values[i] = ByteCursor::unzigzag(static_cast<std::uint64_t>(values[i]));
  }
}

}  // namespace

std::size_t RleV2Decoder::read_run_length() {
  header_ = cursor_.read_byte();
  if ((header_ >> 6) == kShortRepeat) return (header_ & 7) + kMinShortRepeat;
  const std::uint8_t second = cursor_.read_byte();
  return ((static_cast<std::size_t>(header_ & 1) << 8) | second) + 1;
}

void RleV2Decoder::decode_run(std::int64_t* out, std::size_t length) {
  switch (header_ >> 6) {
    case kShortRepeat: return decode_short_repeat(out, length);
    case kDirect: return decode_direct(out, length);
    case kPatchedBase: return decode_patched_base(out, length);
    default: return decode_delta(out, length);
  }
}

void RleV2Decoder::decode_short_repeat(std::int64_t* out, std::size_t length) {
  const int width_bytes = ((header_ >> 3) & 7) + 1;
  const std::uint64_t raw = cursor_.read_big_endian(width_bytes);
  const std::int64_t value = signed_ ? ByteCursor::unzigzag(raw) : static_cast<std::int64_t>(raw);
  std::fill(out, out + length, value);
}

void RleV2Decoder::decode_direct(std::int64_t* out, std::size_t length) {
  const int width = decode_bit_width((header_ >> 1) & 31);
  unpack_bits(cursor_, width, length, reinterpret_cast<std::uint64_t*>(out));
  if (signed_) unzigzag_all(out, length);
}

void RleV2Decoder::decode_patched_base(std::int64_t* out, std::size_t length) {
  const int width = decode_bit_width((header_ >> 1) & 31);
  const std::uint8_t third = cursor_.read_byte();
  const std::uint8_t fourth = cursor_.read_byte();
  const int base_bytes = (third >> 5) + 1;
  const int patch_width = decode_bit_width(third & 31);
  const int gap_width = (fourth >> 5) + 1;
  const std::size_t patch_count = fourth & 31;
  // The spec bounds only gap width + patch width; value width + patch width may exceed 64 (Java
  // writes such runs), and then the patch's high bits fall off the 64-bit value, as in Apache ORC.
  if (gap_width + patch_width > 64) {
    throw FormatError("RLEv2 patched base: gap width " + std::to_string(gap_width) +
                      " + patch width " + std::to_string(patch_width) + " exceeds 64 bits");
  }

  // The base is sign-magnitude: the top bit of its big-endian bytes is the sign.
  const std::uint64_t raw_base = cursor_.read_big_endian(base_bytes);
  const std::uint64_t sign_bit = std::uint64_t{1} << (base_bytes * 8 - 1);
  const std::uint64_t magnitude = raw_base & ~sign_bit;
  const std::uint64_t base = (raw_base & sign_bit) ? ~magnitude + 1 : magnitude;

  auto* values = reinterpret_cast<std::uint64_t*>(out);
  unpack_bits(cursor_, width, length, values);

  std::array<std::uint64_t, kMaxPatchListLength> patches;
  unpack_bits(cursor_, closest_fixed_bits(gap_width + patch_width), patch_count, patches.data());
  const std::uint64_t patch_mask = patch_width == 64 ? ~std::uint64_t{0}
                                                     : (std::uint64_t{1} << patch_width) - 1;
  std::size_t position = 0;
  for (std::size_t i = 0; i < patch_count; ++i) {
    const std::uint64_t gap = patches[i] >> patch_width;
    const std::uint64_t patch = patches[i] & patch_mask;
    position += gap;
    if (gap == 255 && patch == 0) continue;  // a long gap is split into 255-steps
    if (position >= length) {
      throw FormatError("RLEv2 patched base: patch at position " + std::to_string(position) +
                        " past the run of " + std::to_string(length) + " values");
    }
    if (width < 64) values[position] |= patch << width;
  }
  for (std::size_t i = 0; i < length; ++i) values[i] += base;
}

void RleV2Decoder::decode_delta(std::int64_t* out, std::size_t length) {
  const int width_code = (header_ >> 1) & 31;
  const std::uint64_t base =
      signed_ ? static_cast<std::uint64_t>(cursor_.read_svarint()) : cursor_.read_uvarint();
  const std::int64_t delta_base = cursor_.read_svarint();
  auto* values = reinterpret_cast<std::uint64_t*>(out);
  values[0] = base;
  if (width_code == 0) {
    // Fixed delta: arithmetic progression, wrapping like the writer's 64-bit arithmetic.
    for (std::size_t i = 1; i < length; ++i) {
      values[i] = values[i - 1] + static_cast<std::uint64_t>(delta_base);
    }
    return;
  }
  if (length < 2) return;
  values[1] = base + static_cast<std::uint64_t>(delta_base);
  if (length == 2) return;
  const int width = decode_bit_width(width_code);
  unpack_bits(cursor_, width, length - 2, values + 2);
  // The deltas are magnitudes; the base delta's sign applies to all of them.
  if (delta_base < 0) {
    for (std::size_t i = 2; i < length; ++i) values[i] = values[i - 1] - values[i];
  } else {
    for (std::size_t i = 2; i < length; ++i) values[i] = values[i - 1] + values[i];
  }
}

void RleV2Decoder::next(std::int64_t* out, std::size_t count) {
  while (count > 0) {
    if (staged_pos_ < staged_len_) {
      const std::size_t n = std::min(count, staged_len_ - staged_pos_);
      std::memcpy(out, staged_.data() + staged_pos_, n * sizeof(std::int64_t));
      staged_pos_ += n;
      out += n;
      count -= n;
      continue;
    }
    const std::size_t length = read_run_length();
    if (length <= count) {
      decode_run(out, length);
      out += length;
      count -= length;
    } else {
      decode_run(staged_.data(), length);
      staged_pos_ = 0;
      staged_len_ = length;
    }
  }
}

}  // namespace recis::orc

// ControlGroup: the 16 control bytes of one IdMap probe group, compared all at once with SSE2
// (a portable loop elsewhere). A control byte is Empty, Deleted, or the 7-bit tag of a full slot.
// Masks have bit i set for slot i. Used by IdMapShard only. Thread-safety: plain value type.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace recis::embedding {

namespace control {
inline constexpr uint8_t kEmpty = 0x80;
inline constexpr uint8_t kDeleted = 0xFE;
inline constexpr int kGroupSize = 16;
inline bool is_full(uint8_t byte) { return (byte & 0x80) == 0; }
}  // namespace control

class ControlGroup {
 public:
  explicit ControlGroup(const uint8_t* bytes) {
#if defined(__SSE2__)
    bytes_ = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
#else
    std::memcpy(bytes_, bytes, control::kGroupSize);
#endif
  }

  // Slots whose byte equals `tag` (a full slot's tag, 0..127).
  uint32_t match(uint8_t tag) const {
#if defined(__SSE2__)
    return static_cast<uint32_t>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(bytes_, _mm_set1_epi8(char(tag)))));
#else
    return mask_where([tag](uint8_t b) { return b == tag; });
#endif
  }

  uint32_t match_empty() const {
#if defined(__SSE2__)
    return static_cast<uint32_t>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(bytes_, _mm_set1_epi8(char(control::kEmpty)))));
#else
    return mask_where([](uint8_t b) { return b == control::kEmpty; });
#endif
  }

  // Empty and Deleted both have the top bit set; full slots do not.
  uint32_t match_empty_or_deleted() const {
#if defined(__SSE2__)
    return static_cast<uint32_t>(_mm_movemask_epi8(bytes_));
#else
    return mask_where([](uint8_t b) { return (b & 0x80) != 0; });
#endif
  }

 private:
#if defined(__SSE2__)
  __m128i bytes_;
#else
  template <typename Pred>
  uint32_t mask_where(Pred pred) const {
    uint32_t mask = 0;
    for (int i = 0; i < control::kGroupSize; ++i) mask |= uint32_t(pred(bytes_[i])) << i;
    return mask;
  }
  uint8_t bytes_[control::kGroupSize];
#endif
};

}  // namespace recis::embedding

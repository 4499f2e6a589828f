// RowLayout: the byte layout of one embedding table row, fixed at table creation.
//   [RowMeta: last step seen, sighting count (8 bytes)]
//   [embedding: dim elements of the storage type (fp32, bf16 or fp16)]
//   [optimizer slots: fp32, each `width` floats, addressable by name ("adam_m", "adam_v", ...)]
// padded to 8 bytes. Slots stay fp32 whatever the embedding's storage type, so optimizer state
// keeps full precision. Used by RowBlocks and TableCore; the sparse optimizers find their slots
// through slot_index(). Thread-safety: immutable after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace recis::embedding {

enum class ElementType { F32, BF16, F16 };

std::size_t element_bytes(ElementType type);
std::string_view element_type_name(ElementType type);
// Parses "fp32" | "bf16" | "fp16"; throws ConfigError otherwise.
ElementType parse_element_type(std::string_view name);

// Per-row metadata. The step is the global step the row was last looked up in (32 bits: 4e9
// steps); the count saturates at UINT32_MAX. Updated with relaxed atomics by concurrent lookups.
struct RowMeta {
  uint32_t last_step;
  uint32_t count;
};
static_assert(sizeof(RowMeta) == 8);

struct SlotSpec {
  std::string name;
  std::size_t width;  // floats
};

class RowLayout {
 public:
  // Throws ConfigError for dim 0, a slot of width 0, or two slots with one name.
  RowLayout(std::size_t dim, ElementType type, std::vector<SlotSpec> slots = {});

  std::size_t dim() const { return dim_; }
  ElementType element_type() const { return type_; }
  const std::vector<SlotSpec>& slots() const { return slots_; }

  std::size_t row_bytes() const { return row_bytes_; }
  std::size_t embedding_offset() const { return sizeof(RowMeta); }
  std::size_t embedding_bytes() const { return dim_ * element_bytes(type_); }
  std::size_t slot_offset(std::size_t slot) const { return slot_offsets_[slot]; }
  // The embedding of the row whose bytes start at `row` as fp32 (out.size() == dim).
  void load_embedding(const std::byte* row, std::span<float> out) const;
  // Stores fp32 values as the embedding of the row whose bytes start at `row` (values.size() ==
  // dim), rounding to nearest even for 16-bit storage.
  void store_embedding(std::byte* row, std::span<const float> values) const;
  // The slot's position in slots(); throws ConfigError naming the known slots when absent.
  std::size_t slot_index(std::string_view name) const;

 private:
  std::size_t dim_;
  ElementType type_;
  std::vector<SlotSpec> slots_;
  std::vector<std::size_t> slot_offsets_;
  std::size_t row_bytes_;
};

}  // namespace recis::embedding

#include "recis/embedding/core/row_layout.h"

#include <cstring>

#include "recis/common/error.h"
#include "recis/embedding/core/half_float.h"

namespace recis::embedding {

std::size_t element_bytes(ElementType type) { return type == ElementType::F32 ? 4 : 2; }

std::string_view element_type_name(ElementType type) {
  switch (type) {
    case ElementType::F32:
      return "fp32";
    case ElementType::BF16:
      return "bf16";
    case ElementType::F16:
      return "fp16";
  }
  return "?";
}

ElementType parse_element_type(std::string_view name) {
  if (name == "fp32" || name == "float32") return ElementType::F32;
  if (name == "bf16" || name == "bfloat16") return ElementType::BF16;
  if (name == "fp16" || name == "float16") return ElementType::F16;
  throw ConfigError("embedding storage type '" + std::string(name) +
                    "' is not one of fp32, bf16, fp16");
}

RowLayout::RowLayout(std::size_t dim, ElementType type, std::vector<SlotSpec> slots)
    : dim_(dim), type_(type), slots_(std::move(slots)) {
  if (dim_ == 0 || dim_ > (1u << 20)) {
    throw ConfigError("embedding dim " + std::to_string(dim_) + " must be in [1, 1048576]");
  }
  std::size_t offset = embedding_offset() + embedding_bytes();
  offset = (offset + 3) / 4 * 4;  // fp32 slots
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const SlotSpec& slot = slots_[i];
    if (slot.width == 0 || slot.width > (1u << 20)) {
      throw ConfigError("optimizer slot '" + slot.name + "' has width " +
                        std::to_string(slot.width) + "; it must be in [1, 1048576] floats");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (slots_[j].name == slot.name) {
        throw ConfigError("optimizer slot '" + slot.name + "' is declared twice");
      }
    }
    slot_offsets_.push_back(offset);
    offset += slot.width * sizeof(float);
  }
  row_bytes_ = (offset + 7) / 8 * 8;
}

std::size_t RowLayout::slot_index(std::string_view name) const {
  std::string known;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].name == name) return i;
    known += (known.empty() ? "" : ", ") + slots_[i].name;
  }
  throw ConfigError("no optimizer slot '" + std::string(name) +
                    "' in this table (slots: " + (known.empty() ? "none" : known) + ")");
}

void RowLayout::load_embedding(const std::byte* row, std::span<float> out) const {
  const void* data = row + embedding_offset();
  switch (type_) {
    case ElementType::F32:
      std::memcpy(out.data(), data, dim_ * sizeof(float));
      break;
    case ElementType::BF16:
      bf16_to_floats({static_cast<const uint16_t*>(data), dim_}, out);
      break;
    case ElementType::F16:
      fp16_to_floats({static_cast<const uint16_t*>(data), dim_}, out);
      break;
  }
}

void RowLayout::store_embedding(std::byte* row, std::span<const float> values) const {
  void* data = row + embedding_offset();
  switch (type_) {
    case ElementType::F32:
      std::memcpy(data, values.data(), dim_ * sizeof(float));
      break;
    case ElementType::BF16:
      floats_to_bf16(values, {static_cast<uint16_t*>(data), dim_});
      break;
    case ElementType::F16:
      floats_to_fp16(values, {static_cast<uint16_t*>(data), dim_});
      break;
  }
}

}  // namespace recis::embedding

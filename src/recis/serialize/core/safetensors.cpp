#include "recis/serialize/core/safetensors.h"

#include <fcntl.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <tuple>
#include <utility>

#include "recis/common/error.h"
#include "recis/serialize/core/crc32c.h"
#include "recis/serialize/core/strict_json.h"

namespace recis::serialize {
namespace {

struct DTypeEntry {
  DType dtype;
  std::string_view name;
  std::size_t bytes;
};

constexpr std::array<DTypeEntry, 13> kDTypes = {{
    {DType::BOOL, "BOOL", 1},
    {DType::U8, "U8", 1},
    {DType::I8, "I8", 1},
    {DType::I16, "I16", 2},
    {DType::U16, "U16", 2},
    {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},
    {DType::I32, "I32", 4},
    {DType::U32, "U32", 4},
    {DType::F32, "F32", 4},
    {DType::F64, "F64", 8},
    {DType::I64, "I64", 8},
    {DType::U64, "U64", 8},
}};

const DTypeEntry& dtype_entry(DType dtype) {
  for (const DTypeEntry& entry : kDTypes) {
    if (entry.dtype == dtype) return entry;
  }
  throw Error("unknown DType value " + std::to_string(static_cast<int>(dtype)));
}

std::string known_dtype_names() {
  std::string names;
  for (const DTypeEntry& entry : kDTypes) {
    if (!names.empty()) names += ", ";
    names += entry.name;
  }
  return names;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// Bytes of a tensor of `dtype` and `shape`; throws `context`: ... on a negative dimension or an
// element count or byte size that does not fit in int64.
uint64_t checked_tensor_bytes(DType dtype, const std::vector<int64_t>& shape,
                              const std::string& context) {
  uint64_t numel = 1;
  for (int64_t dim : shape) {
    if (dim < 0) throw Error(context + ": negative dimension in shape " + shape_string(shape));
    if (__builtin_mul_overflow(numel, static_cast<uint64_t>(dim), &numel) ||
        numel > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      throw Error(context + ": shape " + shape_string(shape) + " has more than 2^63 elements");
    }
  }
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(numel, dtype_bytes(dtype), &bytes) ||
      bytes > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    throw Error(context + ": shape " + shape_string(shape) + " of " +
                std::string(dtype_name(dtype)) + " is more than 2^63 bytes");
  }
  return bytes;
}

void store_le64(uint64_t value, std::byte* out) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::byte>(value >> (8 * i));
}

uint64_t load_le64(const std::byte* in) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= static_cast<uint64_t>(in[i]) << (8 * i);
  return value;
}

// "tensor 'w' bytes [a, b)" for the data-section range [begin, end), named by the tensor that
// holds `begin` (tensors sorted by offset).
std::string describe_range(const std::vector<TensorInfo>& tensors, uint64_t begin, uint64_t end) {
  for (const TensorInfo& tensor : tensors) {
    if (begin >= tensor.begin && begin < tensor.end) {
      return "tensor '" + tensor.name + "' bytes [" + std::to_string(begin - tensor.begin) + ", " +
             std::to_string(std::min(end, tensor.end) - tensor.begin) + ") of " +
             std::to_string(tensor.bytes());
    }
  }
  return "data bytes [" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

// The CRC-32C of the whole file from the header's CRC and chunks that must cover the data
// section [data_start, file_end) exactly once; throws naming the first gap or overlap.
uint32_t combine_covering_chunks(const std::filesystem::path& path,
                                 const std::vector<TensorInfo>& tensors, uint64_t data_start,
                                 uint64_t file_end, uint32_t header_crc,
                                 const std::vector<detail::ChunkLedger::Chunk>& chunks,
                                 std::string_view done) {
  uint32_t crc = header_crc;
  uint64_t at = data_start;
  for (const auto& chunk : chunks) {
    if (chunk.offset > at) {
      throw Error(path.string() + ": " +
                  describe_range(tensors, at - data_start, chunk.offset - data_start) +
                  " were not " + std::string(done));
    }
    if (chunk.offset < at) {
      throw Error(path.string() + ": " +
                  describe_range(tensors, chunk.offset - data_start,
                                 std::min(at, chunk.offset + chunk.size) - data_start) +
                  " were " + std::string(done) + " more than once");
    }
    crc = crc32c_combine(crc, chunk.crc, chunk.size);
    at += chunk.size;
  }
  if (at < file_end) {
    throw Error(path.string() + ": " +
                describe_range(tensors, at - data_start, file_end - data_start) + " were not " +
                std::string(done));
  }
  return crc;
}

// Checks that [offset, offset + size) lies inside `tensor` (sizes from the caller).
void check_chunk_in_tensor(const std::filesystem::path& path,
                           const std::vector<TensorInfo>& tensors, std::size_t tensor,
                           uint64_t offset, uint64_t size) {
  if (tensor >= tensors.size()) {
    throw Error(path.string() + ": tensor index " + std::to_string(tensor) +
                " out of range, file has " + std::to_string(tensors.size()) + " tensors");
  }
  const TensorInfo& info = tensors[tensor];
  if (offset > info.bytes() || size > info.bytes() - offset) {
    throw Error(path.string() + ": bytes [" + std::to_string(offset) + ", " +
                std::to_string(offset + size) + ") are outside tensor '" + info.name + "' of " +
                std::to_string(info.bytes()) + " bytes");
  }
}

std::size_t lookup_index(const std::filesystem::path& path,
                         const std::map<std::string, std::size_t, std::less<>>& index,
                         std::string_view name) {
  const auto it = index.find(name);
  if (it == index.end()) {
    throw Error(path.string() + ": no tensor named '" + std::string(name) + "'");
  }
  return it->second;
}

}  // namespace

std::string_view dtype_name(DType dtype) { return dtype_entry(dtype).name; }

std::size_t dtype_bytes(DType dtype) { return dtype_entry(dtype).bytes; }

DType parse_dtype(std::string_view name) {
  for (const DTypeEntry& entry : kDTypes) {
    if (entry.name == name) return entry.dtype;
  }
  throw Error("unknown SafeTensors dtype '" + std::string(name) + "', expected one of " +
              known_dtype_names());
}

int64_t TensorInfo::numel() const {
  int64_t count = 1;
  for (int64_t dim : shape) count *= dim;
  return count;
}

namespace detail {

ChunkLedger::ChunkLedger(ChunkLedger&& other) noexcept : chunks_(std::move(other.chunks_)) {}

ChunkLedger& ChunkLedger::operator=(ChunkLedger&& other) noexcept {
  chunks_ = std::move(other.chunks_);
  return *this;
}

void ChunkLedger::add(Chunk chunk) {
  std::lock_guard lock(mutex_);
  chunks_.push_back(chunk);
}

std::vector<ChunkLedger::Chunk> ChunkLedger::sorted() const {
  std::vector<Chunk> chunks;
  {
    std::lock_guard lock(mutex_);
    chunks = chunks_;
  }
  std::sort(chunks.begin(), chunks.end(),
            [](const Chunk& a, const Chunk& b) { return a.offset < b.offset; });
  return chunks;
}

}  // namespace detail

// ---- SafeTensorsWriter ----

SafeTensorsWriter::SafeTensorsWriter(std::filesystem::path path, std::vector<TensorSpec> tensors,
                                     std::map<std::string, std::string> metadata)
    : path_(std::move(path)) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t data_bytes = 0;
  tensors_.reserve(tensors.size());
  for (TensorSpec& spec : tensors) {
    const std::string context = path_.string() + ": tensor '" + spec.name + "'";
    if (spec.name == "__metadata__") throw Error(context + ": the name is reserved for metadata");
    if (!index_by_name_.emplace(spec.name, tensors_.size()).second) {
      throw Error(context + " appears twice");
    }
    const uint64_t bytes = checked_tensor_bytes(spec.dtype, spec.shape, context);
    TensorInfo info{std::move(spec.name), spec.dtype, std::move(spec.shape), data_bytes, 0};
    if (__builtin_add_overflow(data_bytes, bytes, &info.end)) {
      throw Error(context + ": the file would exceed 2^64 bytes");
    }
    data_bytes = info.end;
    header[info.name] = {{"dtype", dtype_name(info.dtype)},
                         {"shape", info.shape},
                         {"data_offsets", {info.begin, info.end}}};
    tensors_.push_back(std::move(info));
  }
  std::string json;
  try {
    json = header.dump();
  } catch (const nlohmann::json::exception& error) {
    throw Error(path_.string() +
                ": cannot encode the header (names and metadata must be UTF-8): " + error.what());
  }
  json.append((8 - json.size() % 8) % 8, ' ');
  std::vector<std::byte> prefix(8 + json.size());
  store_le64(json.size(), prefix.data());
  std::memcpy(prefix.data() + 8, json.data(), json.size());
  data_start_ = prefix.size();
  header_crc_ = crc32c(prefix.data(), prefix.size());

  file_ = FileDescriptor(path_, O_WRONLY | O_CREAT | O_TRUNC);
  file_.write_at(0, prefix);
}

SafeTensorsWriter::~SafeTensorsWriter() = default;

std::size_t SafeTensorsWriter::index(std::string_view name) const {
  return lookup_index(path_, index_by_name_, name);
}

void SafeTensorsWriter::write(std::size_t tensor, uint64_t offset,
                              std::span<const std::byte> bytes) {
  check_chunk_in_tensor(path_, tensors_, tensor, offset, bytes.size());
  if (finished_) throw Error(path_.string() + ": write after finish()");
  if (bytes.empty()) return;
  const uint64_t file_offset = data_start_ + tensors_[tensor].begin + offset;
  file_.write_at(file_offset, bytes);
  chunks_.add({file_offset, bytes.size(), crc32c(bytes.data(), bytes.size())});
}

FileDigest SafeTensorsWriter::finish() {
  if (finished_) throw Error(path_.string() + ": finish() called twice");
  const uint64_t file_end = data_start_ + (tensors_.empty() ? 0 : tensors_.back().end);
  const uint32_t crc = combine_covering_chunks(path_, tensors_, data_start_, file_end, header_crc_,
                                               chunks_.sorted(), "written");
  file_.sync();
  file_.close();
  finished_ = true;
  return {file_end, crc};
}

// ---- SafeTensorsReader ----

SafeTensorsReader::SafeTensorsReader(std::filesystem::path path) : path_(std::move(path)) {
  const std::string where = path_.string() + ": ";
  file_ = FileDescriptor(path_, O_RDONLY);
  file_bytes_ = file_.size();
  if (file_bytes_ < 8) {
    throw Error(where + "file is " + std::to_string(file_bytes_) +
                " bytes, shorter than the 8-byte SafeTensors header length");
  }
  std::byte length_bytes[8];
  file_.read_at(0, length_bytes);
  const uint64_t header_bytes = load_le64(length_bytes);
  if (header_bytes > kMaxHeaderBytes) {
    throw Error(where + "header length " + std::to_string(header_bytes) + " exceeds the limit of " +
                std::to_string(kMaxHeaderBytes) + " bytes (not a SafeTensors file?)");
  }
  if (header_bytes > file_bytes_ - 8) {
    throw Error(where + "header length " + std::to_string(header_bytes) +
                " runs past the end of the file (" + std::to_string(file_bytes_) +
                " bytes; truncated?)");
  }
  data_start_ = 8 + header_bytes;
  std::string text(static_cast<std::size_t>(header_bytes), '\0');
  file_.read_at(8, std::as_writable_bytes(std::span(text.data(), text.size())));
  header_crc_ = crc32c_extend(crc32c(length_bytes, 8), text.data(), text.size());

  const nlohmann::json header = parse_strict_json(text, where + "header");
  if (!header.is_object()) throw Error(where + "header must be a JSON object");

  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw Error(where + "__metadata__ must be an object of strings");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) {
          throw Error(where + "__metadata__ value of '" + key + "' must be a string, got " +
                      json_excerpt(value));
        }
        metadata_[key] = value.get<std::string>();
      }
      continue;
    }
    const std::string context = where + "tensor '" + name + "'";
    if (!entry.is_object()) {
      throw Error(context + ": expected an object, got " + json_excerpt(entry));
    }
    const auto dtype = entry.find("dtype");
    const auto shape = entry.find("shape");
    const auto offsets = entry.find("data_offsets");
    if (dtype == entry.end() || shape == entry.end() || offsets == entry.end()) {
      throw Error(context + ": expected the keys dtype, shape and data_offsets");
    }
    if (!dtype->is_string()) throw Error(context + ": dtype must be a string");
    TensorInfo info;
    info.name = name;
    try {
      info.dtype = parse_dtype(dtype->get<std::string>());
    } catch (const Error& error) {
      throw Error(context + ": " + error.what());
    }
    if (!shape->is_array()) throw Error(context + ": shape must be an array of integers");
    for (const auto& dim : *shape) {
      if (!dim.is_number_integer() ||
          (dim.is_number_unsigned() &&
           dim.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
        throw Error(context + ": shape must hold integers below 2^63, got " + json_excerpt(*shape));
      }
      info.shape.push_back(dim.get<int64_t>());
    }
    if (!offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() ||
        !(*offsets)[1].is_number_unsigned()) {
      throw Error(context + ": data_offsets must be [begin, end] with non-negative integers, got " +
                  json_excerpt(*offsets));
    }
    info.begin = (*offsets)[0].get<uint64_t>();
    info.end = (*offsets)[1].get<uint64_t>();
    if (info.begin > info.end) {
      throw Error(context + ": data_offsets " + json_excerpt(*offsets) + " end before they begin");
    }
    const uint64_t bytes = checked_tensor_bytes(info.dtype, info.shape, context);
    if (bytes != info.bytes()) {
      throw Error(context + ": shape " + shape_string(info.shape) + " of " +
                  std::string(dtype_name(info.dtype)) + " needs " + std::to_string(bytes) +
                  " bytes, data_offsets " + json_excerpt(*offsets) + " hold " +
                  std::to_string(info.bytes()));
    }
    tensors_.push_back(std::move(info));
  }

  std::sort(tensors_.begin(), tensors_.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  uint64_t expected = 0;
  for (const TensorInfo& tensor : tensors_) {
    if (tensor.begin != expected) {
      throw Error(where + "tensor '" + tensor.name + "' starts at data offset " +
                  std::to_string(tensor.begin) + ", expected " + std::to_string(expected) +
                  (tensor.begin < expected ? " (overlaps the tensor before it)"
                                           : " (gap after the tensor before it)"));
    }
    expected = tensor.end;
  }
  const uint64_t data_bytes = file_bytes_ - data_start_;
  if (expected != data_bytes) {
    throw Error(where + "tensors cover " + std::to_string(expected) +
                " data bytes, the file holds " + std::to_string(data_bytes) +
                (expected > data_bytes ? " (truncated?)" : " (trailing bytes)"));
  }
  for (std::size_t i = 0; i < tensors_.size(); ++i) index_by_name_.emplace(tensors_[i].name, i);
}

const TensorInfo* SafeTensorsReader::find(std::string_view name) const {
  const auto it = index_by_name_.find(name);
  return it == index_by_name_.end() ? nullptr : &tensors_[it->second];
}

const TensorInfo& SafeTensorsReader::at(std::string_view name) const {
  return tensors_[lookup_index(path_, index_by_name_, name)];
}

void SafeTensorsReader::read(std::size_t tensor, uint64_t offset, std::span<std::byte> out) const {
  check_chunk_in_tensor(path_, tensors_, tensor, offset, out.size());
  if (out.empty()) return;
  const uint64_t file_offset = data_start_ + tensors_[tensor].begin + offset;
  file_.read_at(file_offset, out);
  chunks_.add({file_offset, out.size(), crc32c(out.data(), out.size())});
}

void SafeTensorsReader::prefetch(std::size_t tensor, uint64_t offset, uint64_t bytes) const {
  if (tensor >= tensors_.size()) return;
  const uint64_t size = tensors_[tensor].bytes();
  if (offset >= size) return;
  file_.will_need(data_start_ + tensors_[tensor].begin + offset, std::min(bytes, size - offset));
}

FileDigest SafeTensorsReader::digest_of_reads() const {
  return {file_bytes_, combine_covering_chunks(path_, tensors_, data_start_, file_bytes_,
                                               header_crc_, chunks_.sorted(), "read")};
}

// ---- digest_file ----

FileDigest digest_file(const std::filesystem::path& path) {
  FileDescriptor file(path, O_RDONLY);
  const uint64_t size = file.size();
  std::vector<std::byte> buffer(std::min<uint64_t>(size, 4 << 20));
  uint32_t crc = 0;
  for (uint64_t at = 0; at < size;) {
    const std::size_t chunk =
        static_cast<std::size_t>(std::min<uint64_t>(buffer.size(), size - at));
    file.read_at(at, std::span(buffer.data(), chunk));
    crc = crc32c_extend(crc, buffer.data(), chunk);
    at += chunk;
  }
  return {size, crc};
}

}  // namespace recis::serialize

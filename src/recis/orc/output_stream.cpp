#include "recis/orc/output_stream.h"

#include <algorithm>
#include <cstring>

#include "recis/common/error.h"

namespace recis::orc {
namespace {

void append_chunk_header(std::string& out, std::size_t length, bool is_original) {
  const std::uint32_t header = static_cast<std::uint32_t>(length) * 2 + (is_original ? 1 : 0);
  out.push_back(static_cast<char>(header & 0xff));
  out.push_back(static_cast<char>((header >> 8) & 0xff));
  out.push_back(static_cast<char>((header >> 16) & 0xff));
}

}  // namespace

OutputStream::OutputStream(Compressor* compressor, std::size_t block_size)
    : compressor_(compressor), block_size_(block_size) {
  if (block_size == 0 || block_size > kMaxBlockSize) {
    throw ConfigError("ORC compression block size " + std::to_string(block_size) +
                      " is out of range (expected 1.." + std::to_string(kMaxBlockSize) + ")");
  }
  if (compressor_ != nullptr) chunk_.reserve(block_size_);
}

void OutputStream::write(const void* data, std::size_t size) {
  const char* bytes = static_cast<const char*>(data);
  if (compressor_ == nullptr) {
    bytes_.append(bytes, size);
    return;
  }
  while (size > 0) {
    const std::size_t take = std::min(size, block_size_ - chunk_.size());
    chunk_.append(bytes, take);
    bytes += take;
    size -= take;
    if (chunk_.size() == block_size_) flush_chunk();
  }
}

void OutputStream::record_position(std::vector<std::uint64_t>& positions) const {
  positions.push_back(bytes_.size());
  if (compressor_ != nullptr) positions.push_back(chunk_.size());
}

void OutputStream::finish() {
  if (compressor_ != nullptr && !chunk_.empty()) flush_chunk();
}

void OutputStream::clear() {
  bytes_.clear();
  chunk_.clear();
}

void OutputStream::flush_chunk() {
  if (compressor_->compress(chunk_, compressed_)) {
    append_chunk_header(bytes_, compressed_.size(), false);
    bytes_.append(compressed_);
  } else {
    append_chunk_header(bytes_, chunk_.size(), true);
    bytes_.append(chunk_);
  }
  chunk_.clear();
}

}  // namespace recis::orc

#include "recis/orc/byte_cursor.h"

#include <algorithm>

namespace recis::orc {

ByteCursor::ByteCursor(StreamBytes stream) {
  if (stream.decompressor == nullptr || !stream.decompressor->is_compressed()) {
    pos_ = reinterpret_cast<const std::uint8_t*>(stream.bytes.data());
    end_ = pos_ + stream.bytes.size();
    return;
  }
  chunks_ = std::make_unique<Chunks>();
  chunks_->stream = stream.bytes;
  chunks_->decompressor = stream.decompressor;
}

std::size_t ByteCursor::remaining_at_most() const {
  const auto in_chunk = static_cast<std::size_t>(end_ - pos_);
  if (!chunks_) return in_chunk;
  return in_chunk +
         chunks_->decompressor->plain_size_bound(chunks_->stream.substr(chunks_->offset));
}

bool ByteCursor::next_chunk() {
  if (!chunks_) return false;
  Chunks& chunks = *chunks_;
  while (chunks.offset < chunks.stream.size()) {
    const std::string_view plain =
        chunks.decompressor->next_chunk(chunks.stream, chunks.offset, chunks.decoded);
    if (plain.empty()) continue;
    pos_ = reinterpret_cast<const std::uint8_t*>(plain.data());
    end_ = pos_ + plain.size();
    return true;
  }
  return false;
}

const std::uint8_t* ByteCursor::take_across_chunks(std::size_t count) {
  if (!chunks_ || count > remaining_at_most()) throw_truncated();
  std::string& joined = chunks_->joined;
  joined.clear();
  joined.reserve(count);
  while (joined.size() < count) {
    if (pos_ == end_ && !next_chunk()) throw_truncated();
    const std::size_t n =
        std::min(count - joined.size(), static_cast<std::size_t>(end_ - pos_));
    joined.append(reinterpret_cast<const char*>(pos_), n);
    pos_ += n;
  }
  return reinterpret_cast<const std::uint8_t*>(joined.data());
}

void ByteCursor::throw_truncated() {
  throw FormatError("stream ends in the middle of a value (truncated or corrupt data)");
}

}  // namespace recis::orc

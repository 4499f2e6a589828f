// OutputStream: the bytes of one ORC stream (one column's PRESENT, DATA, LENGTH, ...) for the
// stripe being written. Without compression the bytes are kept as written; with a codec they are
// cut into chunks of `block_size` input bytes, each compressed on its own and framed by ORC's
// 3-byte little-endian header (length * 2 + is_original), keeping the original bytes when the
// codec does not shrink a chunk. Encoders write into it; the stripe writer takes the bytes.
// record_position() appends the row-index position of the next byte written: [chunk offset,
// offset within the chunk's input] with a codec, [byte offset] without.
// Thread-safety: one thread at a time; the Compressor is shared with the writer's other streams.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "recis/orc/compressor.h"

namespace recis::orc {

class OutputStream {
 public:
  // The largest block size a 3-byte chunk header can describe.
  static constexpr std::size_t kMaxBlockSize = (std::size_t{1} << 23) - 1;

  // `compressor` null: no compression. Otherwise it must outlive the stream.
  OutputStream(Compressor* compressor, std::size_t block_size);

  void write_byte(std::uint8_t byte) {
    if (compressor_ == nullptr) {
      bytes_.push_back(static_cast<char>(byte));
      return;
    }
    chunk_.push_back(static_cast<char>(byte));
    if (chunk_.size() == block_size_) flush_chunk();
  }
  void write(const void* data, std::size_t size);

  void record_position(std::vector<std::uint64_t>& positions) const;

  // Compresses the pending partial chunk; call once all encoders writing here have flushed.
  void finish();
  // The stream's bytes as stored in the file (complete after finish()).
  const std::string& bytes() const { return bytes_; }
  // Bytes held so far, stored or pending (for stripe size decisions).
  std::size_t buffered_size() const { return bytes_.size() + chunk_.size(); }
  // Empties the stream for the next stripe.
  void clear();

 private:
  void flush_chunk();

  Compressor* compressor_;
  std::size_t block_size_;
  std::string bytes_;       // stored bytes: chunks with headers, or plain bytes
  std::string chunk_;       // input of the chunk being filled (codec only)
  std::string compressed_;  // scratch for the compressor's output
};

}  // namespace recis::orc

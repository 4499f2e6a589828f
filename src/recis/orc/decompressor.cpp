#include "recis/orc/decompressor.h"

#include <lz4.h>
#include <lzo/lzo1x.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <string>

#include "recis/orc/format_error.h"
#include "recis/orc/lzo_library.h"

namespace recis::orc {
namespace {

constexpr std::size_t kChunkHeaderBytes = 3;

// Why lzo1x_decompress_safe refused a chunk, in words.
std::string lzo_failure(int code) {
  switch (code) {
    case LZO_E_INPUT_OVERRUN: return "truncated data";
    case LZO_E_LOOKBEHIND_OVERRUN: return "a match reaches before the start of the chunk";
    case LZO_E_EOF_NOT_FOUND: return "no end marker";
    case LZO_E_INPUT_NOT_CONSUMED: return "bytes after the end marker";
    default: return "corrupt data (liblzo error " + std::to_string(code) + ")";
  }
}

}  // namespace

// Codec state kept across chunks so each chunk does not pay for set-up.
struct Decompressor::Codecs {
  ~Codecs() {
    if (zlib_ready) inflateEnd(&zlib);
    if (zstd != nullptr) ZSTD_freeDCtx(zstd);
  }
  z_stream zlib{};
  bool zlib_ready = false;
  ZSTD_DCtx* zstd = nullptr;
};

std::string_view compression_name(proto::CompressionKind kind) {
  switch (kind) {
    case proto::NONE: return "NONE";
    case proto::ZLIB: return "ZLIB";
    case proto::SNAPPY: return "SNAPPY";
    case proto::LZO: return "LZO";
    case proto::LZ4: return "LZ4";
    case proto::ZSTD: return "ZSTD";
    case proto::BROTLI: return "BROTLI";
  }
  return "UNKNOWN";
}

Decompressor::Decompressor(proto::CompressionKind kind, std::uint64_t block_size)
    : kind_(kind), block_size_(block_size), codecs_(std::make_unique<Codecs>()) {
  switch (kind) {
    case proto::NONE:
      return;
    case proto::ZLIB:
    case proto::SNAPPY:
    case proto::LZ4:
    case proto::ZSTD:
      break;
    case proto::LZO:
      if (!lzo_ready()) {
        throw FormatError("lzo: lzo_init failed (liblzo2 does not match its headers)");
      }
      break;
    default:
      throw FormatError("compression " + std::string(compression_name(kind)) +
                        " is not supported (supported: NONE, ZLIB, SNAPPY, LZO, LZ4, ZSTD)");
  }
  if (block_size == 0 || block_size > kMaxBlockSize) {
    throw FormatError("compression block size " + std::to_string(block_size) +
                      " is outside 1.." + std::to_string(kMaxBlockSize));
  }
}

Decompressor::~Decompressor() = default;

std::size_t Decompressor::decode_chunk(std::string_view chunk, char* dest, std::size_t capacity) {
  switch (kind_) {
    case proto::ZLIB: {
      z_stream& z = codecs_->zlib;
      if (!codecs_->zlib_ready) {
        if (inflateInit2(&z, -15) != Z_OK) throw FormatError("zlib: cannot initialise inflate");
        codecs_->zlib_ready = true;
      } else if (inflateReset(&z) != Z_OK) {
        throw FormatError("zlib: cannot reset inflate");
      }
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
      z.avail_in = static_cast<uInt>(chunk.size());
      z.next_out = reinterpret_cast<Bytef*>(dest);
      z.avail_out = static_cast<uInt>(capacity);
      const int rc = inflate(&z, Z_FINISH);
      if (rc == Z_STREAM_END) return capacity - z.avail_out;
      if (rc == Z_BUF_ERROR && z.avail_out == 0) {
        throw FormatError("zlib chunk inflates past the compression block size " +
                          std::to_string(block_size_));
      }
      throw FormatError(std::string("zlib chunk does not inflate: ") +
                        (z.msg != nullptr ? z.msg : "truncated or corrupt data"));
    }
    case proto::SNAPPY: {
      std::size_t length = 0;
      if (!snappy::GetUncompressedLength(chunk.data(), chunk.size(), &length)) {
        throw FormatError("snappy chunk has a corrupt length header");
      }
      if (length > capacity) {
        throw FormatError("snappy chunk of " + std::to_string(length) +
                          " bytes exceeds the compression block size " + std::to_string(block_size_));
      }
      if (!snappy::RawUncompress(chunk.data(), chunk.size(), dest)) {
        throw FormatError("snappy chunk does not decompress (corrupt data)");
      }
      return length;
    }
    case proto::LZO: {
      lzo_uint length = capacity;
      const int code = lzo1x_decompress_safe(reinterpret_cast<const unsigned char*>(chunk.data()),
                                             chunk.size(), reinterpret_cast<unsigned char*>(dest),
                                             &length, nullptr);
      if (code == LZO_E_OK) return length;
      if (code == LZO_E_OUTPUT_OVERRUN) {
        throw FormatError("lzo chunk decompresses past the compression block size " +
                          std::to_string(block_size_));
      }
      throw FormatError("lzo chunk does not decompress: " + lzo_failure(code));
    }
    case proto::LZ4: {
      const int length = LZ4_decompress_safe(chunk.data(), dest, static_cast<int>(chunk.size()),
                                             static_cast<int>(capacity));
      if (length < 0) {
        throw FormatError("lz4 chunk does not decompress within the compression block size " +
                          std::to_string(block_size_) + " (corrupt data)");
      }
      return static_cast<std::size_t>(length);
    }
    case proto::ZSTD: {
      if (codecs_->zstd == nullptr) codecs_->zstd = ZSTD_createDCtx();
      if (codecs_->zstd == nullptr) throw FormatError("zstd: cannot create a context");
      const std::size_t length =
          ZSTD_decompressDCtx(codecs_->zstd, dest, capacity, chunk.data(), chunk.size());
      if (ZSTD_isError(length)) {
        throw FormatError(std::string("zstd chunk does not decompress: ") +
                          ZSTD_getErrorName(length));
      }
      return length;
    }
    default:
      throw FormatError("compression " + std::string(compression_name(kind_)) + " is not supported");
  }
}

std::size_t Decompressor::plain_size_bound(std::string_view stream) const {
  // Capacity is only reserved (no page is touched), but stays modest for hostile headers.
  constexpr std::uint64_t kMaxReserve = std::uint64_t{1} << 30;
  std::uint64_t bound = 0;
  for (std::size_t offset = 0; offset + kChunkHeaderBytes <= stream.size() && bound < kMaxReserve;) {
    const auto* header = reinterpret_cast<const unsigned char*>(stream.data() + offset);
    const std::uint32_t word = header[0] | (header[1] << 8) | (header[2] << 16);
    const std::size_t length = word >> 1;
    bound += (word & 1) != 0 ? length : block_size_;
    offset += kChunkHeaderBytes + length;
  }
  return static_cast<std::size_t>(std::min(bound, kMaxReserve));
}

std::string_view Decompressor::next_chunk(std::string_view stream, std::size_t& offset,
                                         std::unique_ptr<char[]>& buffer) {
  if (stream.size() - offset < kChunkHeaderBytes) {
    throw FormatError("compressed stream ends inside a chunk header at byte " +
                      std::to_string(offset));
  }
  const std::size_t chunk_offset = offset;
  const auto* header = reinterpret_cast<const unsigned char*>(stream.data() + offset);
  const std::uint32_t word = header[0] | (header[1] << 8) | (header[2] << 16);
  const std::size_t length = word >> 1;
  const bool is_original = (word & 1) != 0;
  offset += kChunkHeaderBytes;
  if (length > stream.size() - offset) {
    throw FormatError("compressed chunk at byte " + std::to_string(chunk_offset) + " claims " +
                      std::to_string(length) + " bytes but only " +
                      std::to_string(stream.size() - offset) + " remain in the stream");
  }
  const std::string_view chunk = stream.substr(offset, length);
  offset += length;
  if (is_original) {
    if (length > block_size_) {
      throw FormatError("uncompressed chunk of " + std::to_string(length) +
                        " bytes exceeds the compression block size " + std::to_string(block_size_));
    }
    return chunk;
  }
  // Uninitialized: only the pages chunks actually fill are ever touched.
  if (!buffer) buffer = std::make_unique_for_overwrite<char[]>(block_size_);
  try {
    return {buffer.get(), decode_chunk(chunk, buffer.get(), block_size_)};
  } catch (const FormatError& e) {
    throw FormatError("compressed chunk at byte " + std::to_string(chunk_offset) + ": " + e.what());
  }
}

void Decompressor::decompress(std::string_view stream, std::string& out) {
  out.clear();
  if (kind_ == proto::NONE) {
    out.assign(stream);
    return;
  }
  out.reserve(plain_size_bound(stream));
  std::unique_ptr<char[]> buffer;
  for (std::size_t offset = 0; offset < stream.size();) {
    out.append(next_chunk(stream, offset, buffer));
  }
}

}  // namespace recis::orc

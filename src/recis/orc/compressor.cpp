#include "recis/orc/compressor.h"

#include <lz4.h>
#include <lzo/lzo1x.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "recis/common/error.h"
#include "recis/orc/decompressor.h"
#include "recis/orc/lzo_library.h"

namespace recis::orc {
namespace {

// Raw deflate (window bits -15), as ORC stores zlib chunks: no zlib header or checksum.
class ZlibCompressor final : public Compressor {
 public:
  explicit ZlibCompressor(int level) {
    if (deflateInit2(&stream_, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw Error("zlib: deflateInit2 failed");
    }
  }
  ~ZlibCompressor() override { deflateEnd(&stream_); }

  bool compress(std::string_view input, std::string& output) override {
    if (deflateReset(&stream_) != Z_OK) throw Error("zlib: deflateReset failed");
    // Anything at least as long as the input is useless to us: stop there.
    output.resize(input.size());
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    stream_.next_out = reinterpret_cast<Bytef*>(output.data());
    stream_.avail_out = static_cast<uInt>(output.size());
    const int status = deflate(&stream_, Z_FINISH);
    if (status != Z_STREAM_END) return false;  // Z_OK or Z_BUF_ERROR: output space ran out
    output.resize(output.size() - stream_.avail_out);
    return output.size() < input.size();
  }

 private:
  z_stream stream_{};
};

class SnappyCompressor final : public Compressor {
 public:
  bool compress(std::string_view input, std::string& output) override {
    output.resize(snappy::MaxCompressedLength(input.size()));
    std::size_t length = 0;
    snappy::RawCompress(input.data(), input.size(), output.data(), &length);
    output.resize(length);
    return length < input.size();
  }
};

// LZO1X-1, the format ORC's LZO chunks hold (one LZO1X stream, end marker included, per chunk).
class LzoCompressor final : public Compressor {
 public:
  LzoCompressor()
      : work_memory_((LZO1X_1_MEM_COMPRESS + sizeof(lzo_align_t) - 1) / sizeof(lzo_align_t)) {
    if (!lzo_ready()) throw Error("lzo: lzo_init failed (liblzo2 does not match its headers)");
  }

  bool compress(std::string_view input, std::string& output) override {
    if (input.empty()) return false;
    // lzo1x_1_compress takes no output bound: size for its documented worst case.
    output.resize(input.size() + input.size() / 16 + 64 + 3);
    lzo_uint length = 0;
    const int code = lzo1x_1_compress(reinterpret_cast<const unsigned char*>(input.data()),
                                      input.size(), reinterpret_cast<unsigned char*>(output.data()),
                                      &length, work_memory_.data());
    if (code != LZO_E_OK) {
      throw Error("lzo: compression failed (liblzo error " + std::to_string(code) + ")");
    }
    output.resize(length);
    return length < input.size();
  }

 private:
  std::vector<lzo_align_t> work_memory_;  // the dictionary lzo1x_1_compress needs, reused
};

class Lz4Compressor final : public Compressor {
 public:
  bool compress(std::string_view input, std::string& output) override {
    if (input.empty()) return false;
    output.resize(input.size() - 1);
    const int length = LZ4_compress_default(input.data(), output.data(),
                                            static_cast<int>(input.size()),
                                            static_cast<int>(output.size()));
    if (length <= 0) return false;  // would not fit in fewer bytes than the input
    output.resize(static_cast<std::size_t>(length));
    return true;
  }
};

class ZstdCompressor final : public Compressor {
 public:
  explicit ZstdCompressor(int level) : level_(level), context_(ZSTD_createCCtx()) {
    if (context_ == nullptr) throw Error("zstd: cannot create a compression context");
  }
  ~ZstdCompressor() override { ZSTD_freeCCtx(context_); }

  bool compress(std::string_view input, std::string& output) override {
    output.resize(ZSTD_compressBound(input.size()));
    const std::size_t length = ZSTD_compressCCtx(context_, output.data(), output.size(),
                                                 input.data(), input.size(), level_);
    if (ZSTD_isError(length)) {
      throw Error(std::string("zstd: compression failed: ") + ZSTD_getErrorName(length));
    }
    output.resize(length);
    return length < input.size();
  }

 private:
  int level_;
  ZSTD_CCtx* context_;
};

}  // namespace

std::unique_ptr<Compressor> make_compressor(proto::CompressionKind kind,
                                            CompressionStrategy strategy) {
  const bool speed = strategy == CompressionStrategy::Speed;
  switch (kind) {
    case proto::ZLIB: return std::make_unique<ZlibCompressor>(speed ? 2 : Z_DEFAULT_COMPRESSION);
    case proto::SNAPPY: return std::make_unique<SnappyCompressor>();
    case proto::LZO: return std::make_unique<LzoCompressor>();
    case proto::LZ4: return std::make_unique<Lz4Compressor>();
    case proto::ZSTD: return std::make_unique<ZstdCompressor>(speed ? 1 : ZSTD_CLEVEL_DEFAULT);
    default:
      throw ConfigError("the ORC writer cannot compress with " + std::string(compression_name(kind)) +
                        " (expected zlib, snappy, lzo, lz4 or zstd)");
  }
}

namespace {

std::string lowercase(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

}  // namespace

proto::CompressionKind compression_from_name(std::string_view name) {
  const std::string lower = lowercase(name);
  if (lower == "none") return proto::NONE;
  if (lower == "zlib") return proto::ZLIB;
  if (lower == "snappy") return proto::SNAPPY;
  if (lower == "lzo") return proto::LZO;
  if (lower == "lz4") return proto::LZ4;
  if (lower == "zstd") return proto::ZSTD;
  throw ConfigError("unknown compression '" + std::string(name) +
                    "' (expected none, zlib, snappy, lzo, lz4 or zstd)");
}

CompressionStrategy compression_strategy_from_name(std::string_view name) {
  const std::string lower = lowercase(name);
  if (lower == "speed") return CompressionStrategy::Speed;
  if (lower == "compression") return CompressionStrategy::Compression;
  throw ConfigError("unknown compression strategy '" + std::string(name) +
                    "' (expected speed or compression)");
}

}  // namespace recis::orc

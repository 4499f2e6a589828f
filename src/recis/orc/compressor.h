// Block compressors for the ORC writer: zlib (raw deflate, no zlib header), snappy, lzo
// (LZO1X-1), lz4 (raw block) and zstd (frame), one chunk at a time. OutputStream calls
// compress() once per chunk and stores the original bytes when the codec does not shrink them
// (the "original" chunk flag).
// Thread-safety: a Compressor keeps codec state between calls; use one per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "recis/orc/orc_proto.pb.h"

namespace recis::orc {

class Compressor {
 public:
  virtual ~Compressor() = default;

  // Compresses `input` into `output` (replacing its contents). Returns false when the result
  // would not be smaller than the input; `output` is then unspecified and the caller keeps the
  // original bytes.
  virtual bool compress(std::string_view input, std::string& output) = 0;
};

// Apache ORC's two compression strategies, as its C++ writer maps them to levels: Speed (its
// default) is zlib level 2 and zstd level 1; Compression is zlib 6 and zstd 3 (each library's
// default). Snappy, LZO and LZ4 have one level.
enum class CompressionStrategy { Speed, Compression };

// A compressor for `kind` (ZLIB, SNAPPY, LZO, LZ4 or ZSTD). Throws ConfigError for NONE and
// BROTLI, which this writer does not produce.
std::unique_ptr<Compressor> make_compressor(proto::CompressionKind kind,
                                            CompressionStrategy strategy = CompressionStrategy::Speed);

// "speed" or "compression" (any case) to the enum; ConfigError otherwise.
CompressionStrategy compression_strategy_from_name(std::string_view name);

// "none", "zlib", "snappy", "lzo", "lz4", "zstd" (any case) to the enum; ConfigError otherwise.
// (compression_name(), the other direction, lives in decompressor.h.)
proto::CompressionKind compression_from_name(std::string_view name);

}  // namespace recis::orc

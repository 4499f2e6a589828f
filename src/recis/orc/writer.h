// recis::orc::Writer: writes an ORC file (format 0.12 with RLEv2 by default, or 0.11 with
// RLEv1) from batches in the columnar buffers of column_vector.h. Every type is supported;
// strings choose dictionary or direct encoding per stripe; each stripe carries a row index
// (positions every `row_index_stride` rows, with statistics) and the footer carries stripe and
// file statistics. Timestamps are stored in UTC (the stripe footers name "UTC").
// The file is written under a temporary name in the target's directory and renamed into place
// by close(); a Writer destroyed without close() (an exception, say) removes that file, so a
// reader never sees a half-written ORC file.
// Usage:  Writer writer(path, Type::parse("struct<a:int,b:string>"), options);
//         writer.add(batch); ...; writer.close();
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "recis/orc/column_vector.h"
#include "recis/orc/column_writer.h"
#include "recis/orc/compressor.h"
#include "recis/orc/orc_proto.pb.h"
#include "recis/orc/type.h"

namespace recis::orc {

enum class FileVersion { V0_11, V0_12 };

struct WriterOptions {
  proto::CompressionKind compression = proto::ZSTD;
  // The codec's level (compressor.h): Speed, Apache's default, or Compression.
  CompressionStrategy compression_strategy = CompressionStrategy::Speed;
  // Bytes of input per compression chunk (1 .. 8 MiB - 1).
  std::size_t compression_block_size = 256 * 1024;
  // A stripe is closed once its buffered streams reach about this many bytes.
  std::uint64_t stripe_size = 64ull << 20;
  // A stripe is also closed once it holds this many rows; 0 sets no row limit.
  std::uint64_t stripe_rows = 0;
  // Rows per row group of the row index; 0 writes no row index.
  std::uint32_t row_index_stride = 10000;
  // String columns use a dictionary in a stripe when distinct / non-null values <= this
  // (0 disables dictionaries).
  double dictionary_key_ratio = 0.8;
  FileVersion version = FileVersion::V0_12;
  // Key/value pairs stored in the footer.
  std::vector<std::pair<std::string, std::string>> user_metadata;

  WriterOptions& with_compression(proto::CompressionKind kind) { compression = kind; return *this; }
  WriterOptions& with_compression_strategy(CompressionStrategy s) { compression_strategy = s; return *this; }
  WriterOptions& with_block_size(std::size_t bytes) { compression_block_size = bytes; return *this; }
  WriterOptions& with_stripe_size(std::uint64_t bytes) { stripe_size = bytes; return *this; }
  WriterOptions& with_stripe_rows(std::uint64_t rows) { stripe_rows = rows; return *this; }
  WriterOptions& with_row_index_stride(std::uint32_t rows) { row_index_stride = rows; return *this; }
  WriterOptions& with_dictionary_key_ratio(double ratio) { dictionary_key_ratio = ratio; return *this; }
  WriterOptions& with_version(FileVersion v) { version = v; return *this; }
};

class Writer {
 public:
  // Opens the temporary file next to `path`. Throws IoError if it cannot be created, and
  // ConfigError for bad options.
  Writer(std::filesystem::path path, Type schema, WriterOptions options = {});
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Appends all rows of `batch`, a vector tree shaped like the schema (make_column_vector()).
  // Throws ConfigError naming the column and row for a value the schema cannot hold.
  void add(const ColumnVector& batch);

  // Writes the last stripe and the file tail and renames the file into place.
  void close();

  const Type& schema() const { return schema_; }
  std::uint64_t rows_written() const { return total_rows_; }

 private:
  void flush_stripe();
  void write_bytes(const void* data, std::size_t size);
  void write_bytes(const std::string& bytes) { write_bytes(bytes.data(), bytes.size()); }
  // The message serialized and, with a codec, compressed in chunks.
  std::string encode_message(const google::protobuf::MessageLite& message);
  void remove_temporary();

  std::filesystem::path path_;
  std::filesystem::path temporary_path_;
  Type schema_;
  WriterOptions options_;
  std::unique_ptr<Compressor> compressor_;
  ColumnWriterContext context_;
  std::unique_ptr<ColumnWriter> root_;
  std::FILE* file_ = nullptr;
  std::uint64_t offset_ = 0;
  std::uint64_t total_rows_ = 0;
  std::uint64_t stripe_rows_ = 0;
  std::uint64_t group_rows_ = 0;
  proto::Footer footer_;
  proto::Metadata metadata_;
  bool closed_ = false;
};

}  // namespace recis::orc

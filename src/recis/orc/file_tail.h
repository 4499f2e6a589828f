// FileTail: the parsed end of an ORC file (PostScript, Footer, optional Metadata) and the facts
// derived from it (schema, row count, format version). Reading validates every length against
// the file size before allocating; any inconsistency throws FormatError naming the file.
// Used by Reader and by `recis orc meta`. Thread-safety: immutable after read().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "recis/orc/decompressor.h"
#include "recis/orc/input_file.h"
#include "recis/orc/orc_proto.pb.h"
#include "recis/orc/type.h"

namespace recis::orc {

class FileTail {
 public:
  // Compression block size when the PostScript does not name one.
  static constexpr std::uint64_t kDefaultBlockSize = 262144;

  // Reads and checks the tail of `file`. A PostScript without version means 0.11; versions
  // other than 0.11/0.12 log a warning and are read as 0.12.
  static FileTail read(const InputFile& file);

  const proto::PostScript& postscript() const { return postscript_; }
  const proto::Footer& footer() const { return footer_; }
  const Type& schema() const { return schema_; }
  // "0.11" or "0.12" (as the file declares it).
  const std::string& version() const { return version_; }
  std::uint64_t num_rows() const { return num_rows_; }
  std::uint64_t block_size() const { return block_size_; }
  proto::CompressionKind compression() const { return postscript_.compression(); }
  // Where the stripes may lie: [header end, start of the metadata section).
  std::uint64_t content_end() const { return content_end_; }

  // Per-stripe statistics (the Metadata section), parsed on demand; empty when absent.
  proto::Metadata read_metadata(const InputFile& file) const;

 private:
  proto::PostScript postscript_;
  proto::Footer footer_;
  Type schema_{TypeKind::Boolean};
  std::string version_;
  std::uint64_t num_rows_ = 0;
  std::uint64_t block_size_ = kDefaultBlockSize;
  std::uint64_t content_end_ = 0;
  std::uint64_t metadata_offset_ = 0;
};

}  // namespace recis::orc

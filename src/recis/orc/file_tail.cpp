#include "recis/orc/file_tail.h"

#include <string_view>

#include "recis/common/logging.h"
#include "recis/orc/format_error.h"
#include "recis/orc/type_proto.h"

namespace recis::orc {
namespace {

constexpr std::string_view kMagic = "ORC";
constexpr std::uint64_t kHeaderBytes = kMagic.size();

template <typename Message>
void parse_section(const InputFile& file, Decompressor& decompressor, std::uint64_t offset,
                   std::uint64_t length, const char* what, Message& message) {
  std::string raw;
  file.read(offset, length, raw, what);
  std::string plain;
  try {
    decompressor.decompress(raw, plain);
  } catch (const FormatError& e) {
    throw FormatError(file.name() + ": " + what + ": " + e.what());
  }
  if (!message.ParseFromString(plain)) {
    throw FormatError(file.name() + ": " + what + " (" + std::to_string(length) +
                      " bytes at offset " + std::to_string(offset) +
                      ") is not a valid protobuf message");
  }
}

std::string version_string(const proto::PostScript& postscript) {
  if (postscript.version_size() == 0) return "0.11";
  std::string out;
  for (int i = 0; i < postscript.version_size(); ++i) {
    if (i > 0) out += '.';
    out += std::to_string(postscript.version(i));
  }
  return out;
}

}  // namespace

FileTail FileTail::read(const InputFile& file) {
  const std::uint64_t size = file.size();
  if (size <= kHeaderBytes) {
    throw FormatError(file.name() + ": not an ORC file (" + std::to_string(size) +
                      " bytes; an ORC file has at least a header and a tail)");
  }
  FileTail tail;
  std::string bytes;
  file.read(size - 1, 1, bytes, "PostScript length byte");
  const std::uint64_t ps_length = static_cast<unsigned char>(bytes[0]);
  if (ps_length == 0 || ps_length + 1 + kHeaderBytes > size) {
    throw FormatError(file.name() + ": PostScript length " + std::to_string(ps_length) +
                      " does not fit the " + std::to_string(size) + "-byte file");
  }
  const std::uint64_t ps_offset = size - 1 - ps_length;
  file.read(ps_offset, ps_length, bytes, "PostScript");
  if (!tail.postscript_.ParseFromString(bytes)) {
    throw FormatError(file.name() + ": not an ORC file (its last " + std::to_string(ps_length) +
                      " bytes are not a PostScript)");
  }
  if (tail.postscript_.magic() != kMagic) {
    // Early writers left the magic out of the PostScript; the file header still has it.
    std::string header;
    file.read(0, kHeaderBytes, header, "file header");
    if (header != kMagic) {
      throw FormatError(file.name() + ": not an ORC file (no 'ORC' magic in the PostScript or " +
                        "at the start of the file)");
    }
  }

  tail.version_ = version_string(tail.postscript_);
  if (tail.version_ != "0.11" && tail.version_ != "0.12") {
    RECIS_LOG(Warning) << file.name() << ": ORC format version " << tail.version_
                       << " is newer than this reader knows (0.11, 0.12); reading it as 0.12";
  }
  if (tail.postscript_.has_compression_block_size()) {
    tail.block_size_ = tail.postscript_.compression_block_size();
  }

  const std::uint64_t footer_length = tail.postscript_.footer_length();
  const std::uint64_t metadata_length = tail.postscript_.metadata_length();
  if (footer_length > ps_offset - kHeaderBytes ||
      metadata_length > ps_offset - kHeaderBytes - footer_length) {
    throw FormatError(file.name() + ": footer (" + std::to_string(footer_length) +
                      " bytes) and metadata (" + std::to_string(metadata_length) +
                      " bytes) do not fit before the PostScript at offset " +
                      std::to_string(ps_offset));
  }
  const std::uint64_t footer_offset = ps_offset - footer_length;
  tail.metadata_offset_ = footer_offset - metadata_length;
  tail.content_end_ = tail.metadata_offset_;

  Decompressor decompressor(tail.postscript_.compression(), tail.block_size_);
  parse_section(file, decompressor, footer_offset, footer_length, "footer", tail.footer_);
  try {
    tail.schema_ = type_from_proto(tail.footer_.types());
  } catch (const FormatError& e) {
    throw FormatError(file.name() + ": " + e.what());
  }

  std::uint64_t rows = 0;
  for (const auto& stripe : tail.footer_.stripes()) {
    if (stripe.number_of_rows() > UINT64_MAX - rows) {
      throw FormatError(file.name() + ": stripe row counts overflow 64 bits");
    }
    rows += stripe.number_of_rows();
  }
  if (tail.footer_.has_number_of_rows() && tail.footer_.number_of_rows() != rows) {
    RECIS_LOG(Warning) << file.name() << ": footer says " << tail.footer_.number_of_rows()
                       << " rows but its stripes hold " << rows << "; reading the stripes";
  }
  tail.num_rows_ = rows;
  return tail;
}

proto::Metadata FileTail::read_metadata(const InputFile& file) const {
  proto::Metadata metadata;
  if (postscript_.metadata_length() == 0) return metadata;
  Decompressor decompressor(postscript_.compression(), block_size_);
  parse_section(file, decompressor, metadata_offset_, postscript_.metadata_length(), "metadata",
                metadata);
  return metadata;
}

}  // namespace recis::orc

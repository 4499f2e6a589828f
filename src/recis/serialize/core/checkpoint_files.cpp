#include "recis/serialize/core/checkpoint_files.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "recis/common/error.h"
#include "recis/serialize/core/crc32c.h"

namespace recis::serialize {
namespace {

std::string checksum_mismatch(uint32_t actual, uint32_t expected) {
  char text[80];
  std::snprintf(text, sizeof text, ": checksum %08x, the manifest says %08x (corrupt file)",
                actual, expected);
  return text;
}

}  // namespace

std::string rank_part_suffix(int rank, int world) {
  return world > 1 ? ".part-" + std::to_string(rank) + "-of-" + std::to_string(world) : "";
}

bool is_listed(const Manifest& manifest, const std::string& relative) {
  return std::any_of(manifest.files.begin(), manifest.files.end(),
                     [&](const ManifestEntry& entry) { return entry.path == relative; });
}

void check_read_digest(const SafeTensorsReader& file, const Manifest& manifest,
                       const std::filesystem::path& dir, const std::string& relative) {
  const uint32_t expected = manifest_entry(manifest, relative, dir).crc32c;
  const uint32_t actual = file.digest_of_reads().crc32c;
  if (actual != expected) throw Error(file.path().string() + checksum_mismatch(actual, expected));
}

std::string read_listed_text(const std::filesystem::path& dir, const Manifest& manifest,
                             const std::string& relative) {
  const ManifestEntry& entry = manifest_entry(manifest, relative, dir);
  const std::filesystem::path path = dir / relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() != entry.bytes) {
    throw Error(path.string() + ": " + std::to_string(text.size()) + " bytes, the manifest says " +
                std::to_string(entry.bytes));
  }
  const uint32_t actual = crc32c(text.data(), text.size());
  if (actual != entry.crc32c) throw Error(path.string() + checksum_mismatch(actual, entry.crc32c));
  return text;
}

}  // namespace recis::serialize

// Reading the files of a checkpoint against its manifest: each file must be listed with its size
// (manifest_entry checks both before a file is opened),
// and its CRC-32C must match — checked as the loader reads (SafeTensors files, through
// SafeTensorsReader::digest_of_reads, so a multi-GB file is read once) or on the whole text (small
// JSON files). Every error names the file.
// A distributed save names each rank's file with rank_part_suffix before its extension.
// Callers: serialize/embedding_checkpoint.h, the trainer's checkpoint restore, `recis ckpt`.
// Thread-safety: free functions; a reader may be shared as SafeTensorsReader allows.
#pragma once

#include <filesystem>
#include <string>

#include "recis/serialize/core/checkpoint_dir.h"
#include "recis/serialize/core/safetensors.h"

namespace recis::serialize {

bool is_listed(const Manifest& manifest, const std::string& relative);
// ".part-R-of-W" for rank R of a W-rank save (W > 1); "" for a one-process save.
std::string rank_part_suffix(int rank, int world);
// After every byte of `file` was read: throws Error when its CRC-32C is not the listed one.
void check_read_digest(const SafeTensorsReader& file, const Manifest& manifest,
                       const std::filesystem::path& dir, const std::string& relative);
// The whole of a small listed file, size and CRC checked.
std::string read_listed_text(const std::filesystem::path& dir, const Manifest& manifest,
                             const std::string& relative);

}  // namespace recis::serialize

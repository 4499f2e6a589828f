// Atomic checkpoint directories. A save writes its files into OUTPUT/.ckpt-STEP.tmp-PID, records
// each file's size and CRC-32C, and commit() writes manifest.json, fsyncs everything, renames the
// directory to OUTPUT/ckpt-STEP and only then points OUTPUT/latest at it: a kill -9 or a full disk
// at any moment leaves every ckpt-N complete. Old checkpoints are pruned only after that.
//
// manifest.json: {"format": "recis-checkpoint", "version": 1, "step": STEP,
//                 "files": [{"path": "sparse/c1.safetensors", "bytes": N, "crc32c": "e3069283"}]}
// (paths relative, '/'-separated, sorted; the manifest does not list itself).
//
// Callers: the trainer's checkpoint manager (save, resume), `recis ckpt inspect`, `recis eval`,
// the delta export. Thread-safety: CheckpointStaging::add() and path_for() may be called from
// several threads; commit() from one. Two processes must not save into the same OUTPUT at once,
// except the ranks of one distributed save, which attach to rank 0's staging directory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recis/serialize/core/safetensors.h"

namespace recis::serialize {

struct ManifestEntry {
  std::string path;
  uint64_t bytes = 0;
  uint32_t crc32c = 0;
};

struct Manifest {
  int version = 1;
  int64_t step = 0;
  std::vector<ManifestEntry> files;
};

inline constexpr int kCheckpointFormatVersion = 1;

class CheckpointStaging {
 public:
  // Creates the staging directory for `step` under output_dir (creating output_dir; removing a
  // stale staging dir of the same name). Throws IoError naming the path.
  CheckpointStaging(std::filesystem::path output_dir, int64_t step);
  // Another process's view of a staging directory it did not create (a distributed save: every
  // rank writes its own files into rank 0's staging directory). It records its files for
  // recorded() but never commits or removes the directory.
  struct AttachTo {};
  CheckpointStaging(AttachTo, std::filesystem::path staging_dir);
  ~CheckpointStaging();  // removes the staging directory unless commit() succeeded
  CheckpointStaging(const CheckpointStaging&) = delete;
  CheckpointStaging& operator=(const CheckpointStaging&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  // dir()/relative, creating its parent directories. relative must be a plain relative path
  // ('/'-separated, no "..", ".", empty parts, not absolute, not manifest.json); throws otherwise.
  std::filesystem::path path_for(const std::string& relative);
  // Records a finished file (thread-safe); throws when it was recorded already.
  void add(const std::string& relative, FileDigest digest);
  // Writes a small file (JSON text, ...) with fsync and records it.
  void write_file(const std::string& relative, std::string_view content);
  // Checks every recorded file is there with its size and every file there is recorded; writes
  // manifest.json; fsyncs it, every file and every directory inside; renames the staging dir to
  // OUTPUT/ckpt-STEP (an existing ckpt-STEP is replaced only after the new one is complete);
  // fsyncs OUTPUT; replaces OUTPUT/latest atomically. Then removes checkpoints beyond the newest
  // `keep` (0 = keep all; the one just written is always kept) and staging dirs of dead saves.
  // Returns OUTPUT/ckpt-STEP. When it throws (a full disk: IoError naming the file and ENOSPC),
  // the renames are undone and OUTPUT's checkpoints and `latest` are as they were.
  std::filesystem::path commit(std::size_t keep);
  // The files recorded so far (an attached rank hands them to the committing one).
  std::map<std::string, FileDigest> recorded() const;

 private:
  std::filesystem::path output_dir_;
  int64_t step_;
  std::filesystem::path dir_;
  mutable std::mutex mutex_;
  std::map<std::string, FileDigest> files_;
  bool committed_ = false;
  bool attached_ = false;
};

// "ckpt-STEP".
std::string checkpoint_dir_name(int64_t step);

// Every complete checkpoint dir (ckpt-N with a manifest.json) under output_dir, by step ascending.
std::vector<std::filesystem::path> list_checkpoints(const std::filesystem::path& output_dir);
// The checkpoint `latest` names; when `latest` is missing or names a missing dir, the newest
// complete one from list_checkpoints; nullopt when there is none.
std::optional<std::filesystem::path> latest_checkpoint(const std::filesystem::path& output_dir);
// `path` when it is a checkpoint (holds manifest.json), else the latest checkpoint of `path` as an
// output directory; throws ConfigError naming the path when it is neither (recis eval, ckpt,
// export take either).
std::filesystem::path resolve_checkpoint(const std::filesystem::path& path);
// Parses dir/manifest.json; throws recis::Error naming the file on any problem.
Manifest read_manifest(const std::filesystem::path& checkpoint_dir);
// read_manifest's parser, on the text of checkpoint_dir/manifest.json (the fuzzer feeds it bytes);
// throws recis::Error naming that file on any problem.
Manifest parse_manifest(std::string_view text, const std::filesystem::path& checkpoint_dir);
// Checks that every listed file exists with its size and CRC (digest_file); throws recis::Error
// naming the first bad file and what differs.
void verify_checkpoint(const std::filesystem::path& checkpoint_dir);
// Throws recis::Error naming the file when `relative` is not listed or its size on disk differs
// (a cheap check before a loader reads a file whose CRC it verifies through digest_of_reads()).
const ManifestEntry& manifest_entry(const Manifest& manifest, const std::string& relative,
                                    const std::filesystem::path& checkpoint_dir);

}  // namespace recis::serialize

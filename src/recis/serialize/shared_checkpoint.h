// SharedCheckpoint: one checkpoint directory written by every rank of a job together. Rank 0
// creates the staging directory (serialize/core/checkpoint_dir.h) and tells the others its path
// through the store; the others attach to it and write their own files (their row parts, their
// rank state). commit() on every rank: ranks > 0 hand rank 0 their files' sizes and CRCs and
// wait; rank 0 lists them all in the manifest, commits atomically and tells the others the path.
// Without a communicator (or with one rank) it is a plain CheckpointStaging.
// Callers: Trainer::save_checkpoint (C++) and recis._C.save_checkpoint (Python, on the adopted
// process group). `key` must be new for each save and equal on every rank.
// Thread-safety: one thread per rank; every rank must construct and commit alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "recis/dist/communicator.h"
#include "recis/serialize/core/checkpoint_dir.h"

namespace recis::serialize {

class SharedCheckpoint {
 public:
  SharedCheckpoint(dist::Communicator* communicator, const std::filesystem::path& output_dir,
                   int64_t step, std::string key);

  CheckpointStaging& staging() { return *staging_; }
  bool writes_shared_files() const { return rank_ == 0; }  // rank 0 writes the job-wide files
  // Returns OUTPUT/ckpt-STEP on every rank once rank 0 committed it (keeping `keep`).
  std::filesystem::path commit(std::size_t keep);

 private:
  dist::Communicator* communicator_;  // null or world size 1: a single process
  int rank_ = 0;
  std::string key_;
  std::unique_ptr<CheckpointStaging> staging_;
};

}  // namespace recis::serialize

// Every embedding table of an embedding::Engine in a checkpoint directory:
//   sparse/<shared name>.safetensors      the child's rows (serialize/core/table_rows.h), ids
//                                         decoded, so they reload into any merge layout;
//   sparse/<table>.admission.safetensors  a count-admission table's filter counters.
// Loading places each shared name's rows into whichever physical table holds it now (merged or
// not), checking each file's size and CRC against the manifest as it reads.
// Distributed engines (sharded by id over W ranks): each rank writes the rows it owns as
//   sparse/<shared name>.part-R-of-W.safetensors   and   sparse/<table>.admission.part-R-of-W...
// and loading reads every part of a shared name (from a save with any number of ranks, or the
// single file of a one-process save) keeping the rows this rank owns now: 2 -> 1 -> 3 ranks
// round-trips. Admission counters load from this rank's part when the world size is unchanged,
// else as the saturating sum of all parts (never below an id's true count).
// Callers: the trainer's checkpointer, `recis eval`, `recis export`, tests.
// Thread-safety: call between steps (no lookups or optimizer steps meanwhile); work inside runs
// on the engine's pool.
#pragma once

#include <filesystem>
#include <string>

#include "recis/embedding/engine.h"
#include "recis/serialize/core/checkpoint_dir.h"

namespace recis::serialize {

// The relative path of a shared name's rows file (characters outside [A-Za-z0-9._-] escaped).
std::string rows_file_path(const std::string& shared_name);
// The same for rank `rank` of `world` ranks (world > 1).
std::string rows_part_path(const std::string& shared_name, int rank, int world);

void save_embeddings(embedding::Engine& engine, CheckpointStaging& staging);

// Restores every table's rows (and admission filters) from `checkpoint_dir`. Throws Error naming
// the file when a shared name has no rows file, a file fails its manifest size or checksum, or its
// layout does not fit the table.
void load_embeddings(embedding::Engine& engine, const std::filesystem::path& checkpoint_dir,
                     const Manifest& manifest);

}  // namespace recis::serialize

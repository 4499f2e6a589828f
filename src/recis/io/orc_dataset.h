// OrcDataset: reads this worker's shard of ORC files as Batches (see FilePlan for the sharding
// rule and OrcDatasetOptions for the columns). Decoding runs in `read_threads` threads, one work
// unit (file stripe) per task, which decodes its stripe in chunks of kChunkRows rows into a
// small bounded channel of its own (memory stays bounded and buffers are reused, whatever the
// stripe size). A single assembling thread drains the channels in unit order, cuts the rows into
// batches (a batch may span units and epochs) and keeps up to `prefetch` finished batches in a
// bounded queue. The batch sequence is therefore a function of the options alone, whatever the
// thread timing.
//
// state() is the exact position of the next unread row: epoch, unit (index in the shard's unit
// list of that epoch), its file and stripe, and the row within the stripe. restore(state) resumes
// there, so a run stopped after k batches and resumed yields exactly the batches an uninterrupted
// run yields after its k-th.
//
// Usage:  OrcDataset dataset(OrcDatasetOptions().with_paths({dir}).varlen("c1").fixedlen("label"));
//         while (auto batch = dataset.next()) { ... }
// Thread-safety: one consumer thread calls next/state/restore; the threads inside are private.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "recis/io/bounded_queue.h"
#include "recis/io/file_plan.h"
#include "recis/io/orc_dataset_options.h"
#include "recis/ragged/batch.h"

namespace recis::io {

struct DecodedChunk;

class OrcDataset {
 public:
  // Rows decoded at a time within a stripe, and decoded chunks a unit may hold ready.
  static constexpr std::size_t kChunkRows = 8192;
  static constexpr std::size_t kChunksPerUnit = 8;

  // Lists and opens the files and checks the declared columns (errors name file and column).
  explicit OrcDataset(OrcDatasetOptions options);
  ~OrcDataset();
  OrcDataset(const OrcDataset&) = delete;
  OrcDataset& operator=(const OrcDataset&) = delete;

  // The next batch, or nullopt once every epoch is read. Rethrows a decoding error.
  std::optional<ragged::Batch> next();

  // {"epoch", "unit", "file", "stripe", "row", "worker_idx", "worker_num"}; "file" and "stripe"
  // are absent once the shard is read to the end.
  nlohmann::json state() const;
  // Resumes at a state() of a dataset with the same files and options; throws ConfigError when
  // the state does not fit them (another shard, a unit past the end, a different file there).
  void restore(const nlohmann::json& state);

  const OrcDatasetOptions& options() const { return options_; }
  const FilePlan& plan() const { return plan_; }
  std::size_t skipped_files() const { return plan_.skipped_files(); }

 private:
  struct Position {
    std::uint64_t epoch = 0;
    std::uint64_t unit = 0;
    std::uint64_t row = 0;
  };
  struct Finished {};
  struct Item {
    std::variant<ragged::Batch, std::exception_ptr, Finished> content;
    Position after;  // the position following the batch
  };

  void start();
  void stop();
  void assemble(Position from);
  using ChunkChannel = BoundedQueue<std::shared_ptr<const DecodedChunk>>;
  // Decodes `unit` chunk by chunk into `chunks` and closes it; stops early once it is closed.
  void decode(const WorkUnit& unit, ChunkChannel& chunks) const;

  OrcDatasetOptions options_;
  FilePlan plan_;
  std::size_t units_per_epoch_ = 0;
  Position position_;
  bool finished_ = false;
  std::unique_ptr<BoundedQueue<Item>> queue_;
  std::thread assembler_;
};

}  // namespace recis::io

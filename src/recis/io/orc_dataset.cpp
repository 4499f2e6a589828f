#include "recis/io/orc_dataset.h"

#include <algorithm>
#include <deque>
#include <future>

#include "recis/common/error.h"
#include "recis/common/thread_pool.h"
#include "recis/common/threads.h"
#include "recis/io/batch_builder.h"
#include "recis/io/column_decoder.h"
#include "recis/orc/reader.h"

namespace recis::io {
namespace {

OrcDatasetOptions checked(OrcDatasetOptions options) {
  options.validate();
  if (options.read_threads == 0) options.read_threads = configured_threads();
  if (options.prefetch == 0) options.prefetch = 1;
  return options;
}

std::uint64_t json_count(const nlohmann::json& state, const char* key) {
  if (!state.is_object() || !state.contains(key) || !state[key].is_number_unsigned()) {
    throw ConfigError(std::string("orc dataset state: \"") + key + "\" must be a non-negative integer in " +
                      state.dump());
  }
  return state[key].get<std::uint64_t>();
}

}  // namespace

OrcDataset::OrcDataset(OrcDatasetOptions options)
    : options_(checked(std::move(options))), plan_(FilePlan::build(options_)) {
  units_per_epoch_ = plan_.shard_units(0, options_).size();
}

OrcDataset::~OrcDataset() { stop(); }

void OrcDataset::decode(const WorkUnit& unit, ChunkChannel& chunks) const {
  struct CloseWhenDone {
    ChunkChannel& channel;
    ~CloseWhenDone() { channel.close(); }
  } close_when_done{chunks};
  if (unit.rows == 0) return;
  const OrcFileInfo& file = plan_.files()[unit.file];
  orc::ReaderOptions reader_options;
  for (const ColumnSpec& spec : options_.columns) reader_options.columns.push_back(spec.name);
  auto reader = orc::Reader::open(file.path, reader_options);
  const auto& names = reader->selected_type().field_names();
  std::vector<std::size_t> fields;
  for (const ColumnSpec& spec : options_.columns) {
    fields.push_back(static_cast<std::size_t>(std::find(names.begin(), names.end(), spec.name) - names.begin()));
  }
  reader->seek_to_stripe(unit.stripe);
  auto batch = reader->make_batch();
  for (std::uint64_t first = 0; first < unit.rows;) {
    const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(kChunkRows, unit.rows - first));
    const std::size_t rows = reader->next(*batch, wanted);
    if (rows != wanted) {
      throw Error("orc dataset: file " + file.path.string() + ", stripe " + std::to_string(unit.stripe) +
                  " ended after " + std::to_string(first + rows) + " rows; its footer says " +
                  std::to_string(unit.rows));
    }
    auto chunk = std::make_shared<DecodedChunk>();
    chunk->first_row = first;
    chunk->rows = rows;
    auto& root = static_cast<orc::StructVector&>(*batch);
    for (std::size_t c = 0; c < fields.size(); ++c) {
      chunk->columns.push_back(decode_column(options_.columns[c], *root.fields[fields[c]], rows, file.path.string(),
                                             unit.first_row + first));
    }
    if (!chunks.push(std::move(chunk))) return;
    first += rows;
  }
}

void OrcDataset::start() {
  queue_ = std::make_unique<BoundedQueue<Item>>(options_.prefetch);
  assembler_ = std::thread([this, from = position_] { assemble(from); });
}

void OrcDataset::stop() {
  if (!queue_) return;
  queue_->close();
  assembler_.join();
  queue_.reset();
}

void OrcDataset::assemble(Position from) {
  try {
    ThreadPool pool(options_.read_threads);
    struct InFlight {
      Position at;
      std::uint64_t rows;
      std::shared_ptr<ChunkChannel> chunks;
      std::future<void> done;
    };
    std::deque<InFlight> in_flight;
    // On the way out (finished, cancelled or failed), release decode tasks blocked on a full
    // channel before the pool joins its threads.
    struct ReleaseDecoders {
      std::deque<InFlight>& in_flight;
      ~ReleaseDecoders() {
        for (InFlight& unit : in_flight) unit.chunks->close();
      }
    } release_decoders{in_flight};

    Position next_unit{from.epoch, from.unit, 0};  // the next unit to submit for decoding
    std::vector<WorkUnit> units = plan_.shard_units(next_unit.epoch, options_);
    const std::size_t window = 2 * options_.read_threads;
    BatchBuilder builder(options_.columns, options_.float_dtype);
    const auto batch_rows = static_cast<std::uint64_t>(options_.batch_size);
    for (;;) {
      while (in_flight.size() < window && next_unit.epoch < options_.epochs) {
        if (next_unit.unit >= units.size()) {
          next_unit = {next_unit.epoch + 1, 0, 0};
          if (next_unit.epoch < options_.epochs) units = plan_.shard_units(next_unit.epoch, options_);
          continue;
        }
        const WorkUnit unit = units[next_unit.unit];
        auto chunks = std::make_shared<ChunkChannel>(kChunksPerUnit);
        auto done = pool.submit([this, unit, chunks] { decode(unit, *chunks); });
        in_flight.push_back({next_unit, unit.rows, std::move(chunks), std::move(done)});
        ++next_unit.unit;
      }
      if (in_flight.empty()) break;
      InFlight& current = in_flight.front();
      const bool resumed_unit = current.at.epoch == from.epoch && current.at.unit == from.unit;
      const std::uint64_t skip = resumed_unit ? from.row : 0;
      while (auto chunk = current.chunks->pop()) {
        const std::uint64_t chunk_rows = (*chunk)->rows;
        std::uint64_t row = skip > (*chunk)->first_row ? std::min(skip - (*chunk)->first_row, chunk_rows) : 0;
        while (row < chunk_rows) {
          const std::uint64_t take = std::min(batch_rows - builder.rows(), chunk_rows - row);
          builder.add(*chunk, row, row + take);
          row += take;
          if (builder.rows() < batch_rows) continue;
          Position after{current.at.epoch, current.at.unit, (*chunk)->first_row + row};
          if (after.row == current.rows) {
            after = {after.epoch, after.unit + 1, 0};
            if (after.unit == units_per_epoch_) after = {after.epoch + 1, 0, 0};
          }
          if (!queue_->push({builder.build(), after})) return;
        }
      }
      current.done.get();  // rethrows a decoding error
      in_flight.pop_front();
    }
    const Position end{options_.epochs, 0, 0};
    if (builder.rows() > 0 && !options_.drop_remainder) {
      if (!queue_->push({builder.build(), end})) return;
    }
    queue_->push({Finished{}, end});
  } catch (...) {
    queue_->push({std::current_exception(), from});
  }
}

std::optional<ragged::Batch> OrcDataset::next() {
  if (finished_) return std::nullopt;
  if (!queue_) start();
  std::optional<Item> item = queue_->pop();
  if (!item) throw Error("orc dataset: the reading pipeline stopped unexpectedly");
  if (auto* error = std::get_if<std::exception_ptr>(&item->content)) {
    finished_ = true;
    stop();
    std::rethrow_exception(*error);
  }
  if (std::holds_alternative<Finished>(item->content)) {
    finished_ = true;
    stop();
    return std::nullopt;
  }
  position_ = item->after;
  return std::move(std::get<ragged::Batch>(item->content));
}

nlohmann::json OrcDataset::state() const {
  nlohmann::json state = {{"epoch", position_.epoch},
                          {"unit", position_.unit},
                          {"row", position_.row},
                          {"worker_idx", options_.worker_idx},
                          {"worker_num", options_.worker_num}};
  if (position_.epoch < options_.epochs && position_.unit < units_per_epoch_) {
    const WorkUnit unit = plan_.shard_units(position_.epoch, options_)[position_.unit];
    state["file"] = plan_.files()[unit.file].path.string();
    state["stripe"] = unit.stripe;
  }
  return state;
}

void OrcDataset::restore(const nlohmann::json& state) {
  const Position position{json_count(state, "epoch"), json_count(state, "unit"), json_count(state, "row")};
  if (json_count(state, "worker_idx") != options_.worker_idx || json_count(state, "worker_num") != options_.worker_num) {
    throw ConfigError("orc dataset state belongs to worker " + state["worker_idx"].dump() + " of " +
                      state["worker_num"].dump() + ", not worker " + std::to_string(options_.worker_idx) + " of " +
                      std::to_string(options_.worker_num));
  }
  // The end of the shard, or its start when it has no units.
  const bool at_end = position.unit == 0 && position.row == 0 &&
                      (position.epoch == options_.epochs || (units_per_epoch_ == 0 && position.epoch == 0));
  if (!at_end) {
    if (position.epoch >= options_.epochs || position.unit >= units_per_epoch_) {
      throw ConfigError("orc dataset state " + state.dump() + " points past the end of this shard (" +
                        std::to_string(options_.epochs) + " epochs of " + std::to_string(units_per_epoch_) +
                        " units)");
    }
    const WorkUnit unit = plan_.shard_units(position.epoch, options_)[position.unit];
    const std::string file = plan_.files()[unit.file].path.string();
    if (!state.contains("file") || state["file"] != file || json_count(state, "stripe") != unit.stripe ||
        position.row > unit.rows) {
      throw ConfigError("orc dataset state " + state.dump() + " does not fit these files: unit " +
                        std::to_string(position.unit) + " is " + file + " stripe " + std::to_string(unit.stripe) +
                        " with " + std::to_string(unit.rows) + " rows");
    }
  }
  stop();
  position_ = position;
  finished_ = false;
}

}  // namespace recis::io

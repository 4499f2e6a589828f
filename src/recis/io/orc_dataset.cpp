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

std::shared_ptr<const DecodedUnit> OrcDataset::decode(const WorkUnit& unit) const {
  const OrcFileInfo& file = plan_.files()[unit.file];
  orc::ReaderOptions reader_options;
  for (const ColumnSpec& spec : options_.columns) reader_options.columns.push_back(spec.name);
  auto reader = orc::Reader::open(file.path, reader_options);
  reader->seek_to_stripe(unit.stripe);
  auto batch = reader->make_batch();
  auto decoded = std::make_shared<DecodedUnit>();
  decoded->unit = unit;
  if (unit.rows == 0) return decoded;
  const std::size_t rows = reader->next(*batch, static_cast<std::size_t>(unit.rows));
  if (rows != unit.rows) {
    throw Error("orc dataset: file " + file.path.string() + ", stripe " + std::to_string(unit.stripe) + " gave " +
                std::to_string(rows) + " rows; its footer says " + std::to_string(unit.rows));
  }
  const auto& root = static_cast<orc::StructVector&>(*batch);
  const orc::Type& type = reader->selected_type();
  for (const ColumnSpec& spec : options_.columns) {
    const auto& names = type.field_names();
    const auto field = static_cast<std::size_t>(std::find(names.begin(), names.end(), spec.name) - names.begin());
    decoded->columns.push_back(decode_column(spec, *root.fields[field], rows, file.path.string(),
                                             unit.first_row));
  }
  return decoded;
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
  Position next_unit = from;  // the next unit to submit for decoding
  try {
    ThreadPool pool(options_.read_threads);
    std::vector<WorkUnit> units = plan_.shard_units(next_unit.epoch, options_);
    struct InFlight {
      Position at;
      std::future<std::shared_ptr<const DecodedUnit>> decoded;
    };
    std::deque<InFlight> in_flight;
    const std::size_t window = 2 * options_.read_threads;
    BatchBuilder builder(options_.columns, options_.float_dtype);
    bool first = true;
    for (;;) {
      while (in_flight.size() < window && next_unit.epoch < options_.epochs) {
        if (next_unit.unit >= units.size()) {
          next_unit = {next_unit.epoch + 1, 0, 0};
          if (next_unit.epoch < options_.epochs) units = plan_.shard_units(next_unit.epoch, options_);
          continue;
        }
        const WorkUnit unit = units[next_unit.unit];
        in_flight.push_back({next_unit, pool.submit([this, unit] { return decode(unit); })});
        ++next_unit.unit;
      }
      if (in_flight.empty()) break;
      InFlight current = std::move(in_flight.front());
      in_flight.pop_front();
      const std::shared_ptr<const DecodedUnit> unit = current.decoded.get();
      std::uint64_t row = first ? from.row : 0;
      first = false;
      const std::uint64_t rows = unit->unit.rows;
      while (row < rows) {
        const std::uint64_t take =
            std::min<std::uint64_t>(static_cast<std::uint64_t>(options_.batch_size) - builder.rows(), rows - row);
        builder.add(unit, row, row + take);
        row += take;
        if (builder.rows() < static_cast<std::uint64_t>(options_.batch_size)) continue;
        Position after{current.at.epoch, current.at.unit, row};
        if (row == rows) {
          after = {after.epoch, after.unit + 1, 0};
          if (after.unit == units_per_epoch_) after = {after.epoch + 1, 0, 0};
        }
        if (!queue_->push({builder.build(), after})) return;
      }
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

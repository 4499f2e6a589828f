// Trainer::save_checkpoint and Trainer::restore_checkpoint: the layout of OUTPUT/ckpt-STEP/
//   sparse/*.safetensors               embedding rows per shared name (embedding_checkpoint.h)
//   dense/model.safetensors            parameters and buffers by module path
//   dense/optimizer.safetensors        the dense optimizer's per-parameter state
//   pending/accumulation.safetensors   only when stopped inside gradient accumulation: the dense
//                                      .grad tensors and each table's summed sparse gradient
//   trainer.json                       step, samples, partial-step loss, sparse optimizer state,
//                                      the CPU generator's state, world_size
//   data.json                          the training dataset's exact position
//   manifest.json                      every file above with its size and CRC-32C
// A distributed save (W > 1 ranks) writes one checkpoint: rank 0 makes the staging directory and
// writes the dense files and trainer.json; every rank writes its own rows parts, its
// pending/accumulation.part-R-of-W.safetensors and ranks/R-of-W.json (its data position, CPU
// generator and partial-step loss) into it; the ranks' file digests reach rank 0 through the
// store and rank 0 commits. Resuming with the same W restores everything; with another W the
// rows re-partition and dense state, optimizer state and step carry over, but the data
// positions do not (each rank starts its new shard from the beginning; a warning says so).
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "recis/common/error.h"
#include "recis/common/logging.h"
#include "recis/serialize/core/checkpoint_dir.h"
#include "recis/serialize/core/checkpoint_files.h"
#include "recis/serialize/core/strict_json.h"
#include "recis/serialize/dense_state.h"
#include "recis/serialize/embedding_checkpoint.h"
#include "recis/serialize/shared_checkpoint.h"
#include "recis/serialize/named_tensors.h"
#include "recis/train/trainer.h"

namespace recis::train {
namespace {

constexpr const char* kModelFile = "dense/model.safetensors";
constexpr const char* kDenseOptimizerFile = "dense/optimizer.safetensors";
constexpr const char* kTrainerFile = "trainer.json";
constexpr const char* kDataFile = "data.json";
constexpr const char* kTrainerFormat = "recis-trainer-state";

using serialize::read_listed_tensors;

std::string accumulation_file(int rank, int world) {
  return "pending/accumulation" + serialize::rank_part_suffix(rank, world) + ".safetensors";
}

std::string rank_state_file(int rank, int world) {
  return "ranks/" + std::to_string(rank) + "-of-" + std::to_string(world) + ".json";
}

std::string to_hex(const torch::Tensor& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const torch::Tensor contiguous = bytes.contiguous();
  const uint8_t* data = contiguous.data_ptr<uint8_t>();
  std::string text;
  text.reserve(static_cast<std::size_t>(contiguous.numel()) * 2);
  for (int64_t i = 0; i < contiguous.numel(); ++i) {
    text += kDigits[data[i] >> 4];
    text += kDigits[data[i] & 15];
  }
  return text;
}

torch::Tensor from_hex(const std::string& text, const std::string& where) {
  auto digit = [&](char c) -> uint8_t {
    if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
    throw Error(where + ": not a hex string");
  };
  if (text.size() % 2 != 0) throw Error(where + ": odd hex length");
  torch::Tensor bytes = torch::empty({static_cast<int64_t>(text.size() / 2)}, torch::kUInt8);
  uint8_t* data = bytes.data_ptr<uint8_t>();
  for (std::size_t i = 0; i < text.size() / 2; ++i) {
    data[i] = static_cast<uint8_t>(digit(text[2 * i]) << 4 | digit(text[2 * i + 1]));
  }
  return bytes;
}

torch::Tensor cpu_generator_state() {
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

void set_cpu_generator_state(const torch::Tensor& state) {
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

nlohmann::json parse_listed_json(const std::filesystem::path& dir,
                                 const serialize::Manifest& manifest,
                                 const std::string& relative) {
  return serialize::parse_strict_json(serialize::read_listed_text(dir, manifest, relative),
                                     (dir / relative).string());
}

template <typename T>
T json_field(const nlohmann::json& object, const char* key, const std::string& where) {
  if (!object.contains(key)) throw Error(where + ": missing '" + key + "'");
  try {
    return object.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(where + ": '" + key + "' has the wrong type");
  }
}

}  // namespace

std::filesystem::path Trainer::save_checkpoint() {
  const auto start = std::chrono::steady_clock::now();
  const int me = rank();
  const int world = world_size();
  serialize::SharedCheckpoint shared(communicator_.get(), config_.train.output, step_,
                                     "checkpoint/" + std::to_string(saves_++));
  serialize::CheckpointStaging& staging = shared.staging();
  serialize::save_embeddings(*embeddings_, staging);
  if (me == 0) {
    staging.add(kModelFile, serialize::write_tensors_file(staging.path_for(kModelFile),
                                                           serialize::module_state(*model_)));
    staging.add(kDenseOptimizerFile,
                 serialize::write_tensors_file(
                     staging.path_for(kDenseOptimizerFile),
                     serialize::optimizer_state(*dense_optimizer_, *model_)));
  }
  if (micro_ > 0) {
    serialize::NamedTensors pending;
    for (const auto& item : model_->named_parameters(true)) {
      if (item.value().grad().defined()) pending.emplace_back("dense/" + item.key(), item.value().grad());
    }
    for (const auto& [table, grad] : embeddings_->accumulated_gradients()) {
      const std::string prefix = "sparse/" + embeddings_->table(table).name() + "/";
      pending.emplace_back(prefix + "ids", grad.ids);
      pending.emplace_back(prefix + "counts", grad.counts);
      pending.emplace_back(prefix + "values", grad.values);
    }
    const std::string relative = accumulation_file(me, world);
    staging.add(relative, serialize::write_tensors_file(staging.path_for(relative), pending));
  }
  const std::string generator = to_hex(cpu_generator_state());
  if (me == 0) {
    const nlohmann::json trainer_state = {
        {"format", kTrainerFormat},
        {"step", step_},
        {"micro_batches", micro_},
        {"samples", samples_},
        {"step_loss", step_loss_},
        {"sparse_optimizer", sparse_optimizer_->state()},
        {"cpu_generator", generator},
        {"world_size", world},
        {"config", config_.source},
    };
    staging.write_file(kTrainerFile, trainer_state.dump(2) + "\n");
  }
  if (world == 1) {
    if (train_data_) staging.write_file(kDataFile, data_position().dump(2) + "\n");
  } else {
    nlohmann::json rank_state = {{"cpu_generator", generator}, {"step_loss", step_loss_}};
    if (train_data_) rank_state["data"] = data_position();
    staging.write_file(rank_state_file(me, world), rank_state.dump(2) + "\n");
  }
  const std::filesystem::path path = shared.commit(config_.train.keep_checkpoints);
  if (me == 0) {
    RECIS_LOG(Info) << "checkpoint " << path.string()
                    << (world > 1 ? " (" + std::to_string(world) + " ranks)" : std::string())
                    << " in "
                    << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
                    << " s";
  }
  return path;
}

void Trainer::restore_checkpoint(const std::filesystem::path& checkpoint_dir, RestoreMode mode) {
  const serialize::Manifest manifest = serialize::read_manifest(checkpoint_dir);
  serialize::load_embeddings(*embeddings_, checkpoint_dir, manifest);
  serialize::load_module_state(*model_, read_listed_tensors(checkpoint_dir, manifest, kModelFile),
                               (checkpoint_dir / kModelFile).string());
  if (mode == RestoreMode::Weights) return;

  serialize::load_optimizer_state(
      *dense_optimizer_, *model_, read_listed_tensors(checkpoint_dir, manifest, kDenseOptimizerFile),
      (checkpoint_dir / kDenseOptimizerFile).string());
  const std::string trainer_where = (checkpoint_dir / kTrainerFile).string();
  const nlohmann::json state = parse_listed_json(checkpoint_dir, manifest, kTrainerFile);
  if (json_field<std::string>(state, "format", trainer_where) != kTrainerFormat) {
    throw Error(trainer_where + ": format is not '" + kTrainerFormat + "'");
  }
  try {
    sparse_optimizer_->load_state(state.at("sparse_optimizer"));
  } catch (const std::exception& error) {
    throw Error(trainer_where + ": sparse_optimizer: " + error.what());
  }
  if (!train_data_) {
    throw ConfigError(config_.source + ": data.train: resuming needs the training data");
  }
  const int saved_world = state.contains("world_size")
                              ? json_field<int>(state, "world_size", trainer_where)
                              : 1;
  step_ = json_field<int64_t>(state, "step", trainer_where);
  micro_ = json_field<int64_t>(state, "micro_batches", trainer_where);
  samples_ = json_field<int64_t>(state, "samples", trainer_where);
  consumed_data_state_ = nullptr;  // the dataset's own position holds from here on
  if (saved_world == world_size()) {
    // The per-rank state of this rank (a one-process save keeps it in trainer.json, data.json).
    const std::string rank_file = saved_world > 1 ? rank_state_file(rank(), saved_world) : "";
    const nlohmann::json own =
        saved_world > 1 ? parse_listed_json(checkpoint_dir, manifest, rank_file) : state;
    const std::string own_where = (checkpoint_dir / (saved_world > 1 ? rank_file : kTrainerFile)).string();
    set_cpu_generator_state(
        from_hex(json_field<std::string>(own, "cpu_generator", own_where), own_where));
    step_loss_ = json_field<double>(own, "step_loss", own_where);
    if (saved_world > 1) {
      if (!own.contains("data")) throw Error(own_where + ": missing 'data'");
      train_data_->restore(own.at("data"));
    } else {
      train_data_->restore(parse_listed_json(checkpoint_dir, manifest, kDataFile));
    }
  } else {
    if (micro_ > 0) {
      throw Error(trainer_where + ": saved by " + std::to_string(saved_world) +
                  " ranks inside a gradient accumulation; resume it with " +
                  std::to_string(saved_world) + " ranks");
    }
    set_cpu_generator_state(
        from_hex(json_field<std::string>(state, "cpu_generator", trainer_where), trainer_where));
    step_loss_ = 0;
    RECIS_LOG(Warning) << checkpoint_dir.string() << " was saved by " << saved_world
                       << " ranks and resumes with " << world_size()
                       << ": rows re-partitioned, dense and optimizer state and step " << step_
                       << " restored; each rank reads its new data shard from the beginning";
  }

  for (const auto& parameter : model_->parameters()) {
    if (parameter.grad().defined()) parameter.mutable_grad() = torch::Tensor();
  }
  if (micro_ == 0) return;
  const std::string pending_file = accumulation_file(rank(), world_size());
  const std::string pending_where = (checkpoint_dir / pending_file).string();
  std::map<std::string, torch::Tensor> pending =
      read_listed_tensors(checkpoint_dir, manifest, pending_file);
  for (const auto& item : model_->named_parameters(true)) {
    const auto found = pending.find("dense/" + item.key());
    if (found == pending.end()) continue;
    if (found->second.sizes() != item.value().sizes()) {
      throw Error(pending_where + ": gradient of '" + item.key() + "' has the wrong shape");
    }
    item.value().mutable_grad() = found->second;
  }
  for (std::size_t t = 0; t < embeddings_->table_count(); ++t) {
    const std::string prefix = "sparse/" + embeddings_->table(t).name() + "/";
    const auto ids = pending.find(prefix + "ids");
    if (ids == pending.end()) continue;
    const auto counts = pending.find(prefix + "counts");
    const auto values = pending.find(prefix + "values");
    if (counts == pending.end() || values == pending.end()) {
      throw Error(pending_where + ": '" + prefix + "' lacks counts or values");
    }
    embeddings_->restore_accumulated_gradients(t, ids->second, counts->second, values->second);
  }
}

}  // namespace recis::train

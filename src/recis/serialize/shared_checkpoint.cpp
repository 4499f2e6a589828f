#include "recis/serialize/shared_checkpoint.h"

#include <nlohmann/json.hpp>

namespace recis::serialize {

SharedCheckpoint::SharedCheckpoint(dist::Communicator* communicator,
                                   const std::filesystem::path& output_dir, int64_t step,
                                   std::string key)
    : communicator_(communicator && communicator->world_size() > 1 ? communicator : nullptr),
      rank_(communicator_ ? communicator_->rank() : 0),
      key_(std::move(key)) {
  if (rank_ == 0) {
    staging_ = std::make_unique<CheckpointStaging>(output_dir, step);
    if (communicator_) communicator_->store_set(key_ + "/dir", staging_->dir().string());
  } else {
    staging_ = std::make_unique<CheckpointStaging>(CheckpointStaging::AttachTo{},
                                                   communicator_->store_get(key_ + "/dir"));
  }
}

std::filesystem::path SharedCheckpoint::commit(std::size_t keep) {
  if (!communicator_) return staging_->commit(keep);
  if (rank_ != 0) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& [relative, digest] : staging_->recorded()) {
      files.push_back({{"path", relative}, {"bytes", digest.bytes}, {"crc32c", digest.crc32c}});
    }
    communicator_->store_set(key_ + "/files/" + std::to_string(rank_), files.dump());
    return communicator_->store_get(key_ + "/done");
  }
  for (int other = 1; other < communicator_->world_size(); ++other) {
    const nlohmann::json files =
        nlohmann::json::parse(communicator_->store_get(key_ + "/files/" + std::to_string(other)));
    for (const nlohmann::json& file : files) {
      staging_->add(file.at("path").get<std::string>(),
                    {file.at("bytes").get<uint64_t>(), file.at("crc32c").get<uint32_t>()});
    }
  }
  const std::filesystem::path path = staging_->commit(keep);
  communicator_->store_set(key_ + "/done", path.string());
  return path;
}

}  // namespace recis::serialize

#include "recis/embedding/embedding_options.h"

#include <cstdint>
#include <string>
#include <utility>

#include "recis/common/error.h"

namespace recis::embedding {

Combiner parse_combiner(std::string_view name, std::string_view key) {
  if (name == "sum") return Combiner::Sum;
  if (name == "mean") return Combiner::Mean;
  if (name == "tile") return Combiner::Tile;
  if (name == "none") return Combiner::None;
  throw ConfigError(std::string(key) + ": unknown combiner '" + std::string(name) +
                    "'; expected sum, mean, tile or none");
}

std::string_view combiner_name(Combiner combiner) {
  switch (combiner) {
    case Combiner::Sum: return "sum";
    case Combiner::Mean: return "mean";
    case Combiner::Tile: return "tile";
    case Combiner::None: return "none";
  }
  return "?";
}

SpillPolicy parse_spill_policy(std::string_view name, std::string_view key) {
  if (name == "lru") return SpillPolicy::LeastRecent;
  if (name == "lfu") return SpillPolicy::LeastFrequent;
  throw ConfigError(std::string(key) + ": unknown spill policy '" + std::string(name) +
                    "'; expected lru or lfu");
}

std::size_t parse_byte_size(std::string_view text, std::string_view key) {
  static const std::pair<std::string_view, uint64_t> kUnits[] = {
      {"", 1},           {"B", 1},          {"KB", 1000},        {"MB", 1000'000},
      {"GB", 1000'000'000}, {"TB", 1000'000'000'000}, {"KiB", uint64_t{1} << 10},
      {"MiB", uint64_t{1} << 20}, {"GiB", uint64_t{1} << 30}, {"TiB", uint64_t{1} << 40}};
  const auto fail = [&] {
    throw ConfigError(std::string(key) + ": '" + std::string(text) +
                      "' is not a positive size; expected e.g. 8GiB, 512MiB, 2GB or a byte count");
  };
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 15) fail();
  std::string_view unit = text.substr(digits);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  const uint64_t number = std::stoull(std::string(text.substr(0, digits)));
  for (const auto& [name, scale] : kUnits) {
    if (unit != name) continue;
    if (number == 0 || number > UINT64_MAX / scale) fail();
    return static_cast<std::size_t>(number * scale);
  }
  fail();
  return 0;
}

void validate(const EmbeddingOptions& options) {
  const std::string where = "embedding '" + options.name + "'";
  if (options.name.empty()) throw ConfigError("embedding: a feature has no name");
  if (options.dim == 0) throw ConfigError(where + ": dim must be positive");
  if (options.combiner == Combiner::Tile && options.tile_len == 0) {
    throw ConfigError(where + ": combiner tile needs tile_len > 0");
  }
  if (options.combiner != Combiner::Tile && options.tile_len != 0) {
    throw ConfigError(where + ": tile_len " + std::to_string(options.tile_len) +
                      " is only meaningful with combiner tile, not " +
                      std::string(combiner_name(options.combiner)));
  }
}

}  // namespace recis::embedding

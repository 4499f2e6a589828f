#include "recis/embedding/embedding_options.h"

#include <string>

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

#include "recis/serialize/embedding_checkpoint.h"

#include <algorithm>
#include <cstdio>

#include "recis/common/error.h"
#include "recis/common/logging.h"
#include "recis/serialize/core/checkpoint_files.h"
#include "recis/serialize/core/table_rows.h"

namespace recis::serialize {
namespace {

std::string escaped(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == '-';
    if (plain && !(out.empty() && c == '.')) {
      out += c;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      out += hex;
    }
  }
  return out;
}

std::string admission_file_path(const std::string& table, int rank = 0, int world = 1) {
  return "sparse/" + escaped(table) + ".admission" + rank_part_suffix(rank, world) + ".safetensors";
}

RankShard shard_of(const embedding::Engine& engine) {
  if (const embedding::ShardedExchange* exchange = engine.exchange()) {
    return {exchange->communicator().rank(), exchange->communicator().world_size()};
  }
  return {};
}

// The world size of the save that wrote `base` + ".safetensors" (1) or its parts
// base.part-R-of-W.safetensors (W, every part listed); 0 when neither is listed.
int saved_world(const Manifest& manifest, const std::string& base,
                const std::filesystem::path& checkpoint_dir) {
  if (is_listed(manifest, base + ".safetensors")) return 1;
  const std::string prefix = base + ".part-0-of-";
  for (const ManifestEntry& entry : manifest.files) {
    if (!entry.path.starts_with(prefix) || !entry.path.ends_with(".safetensors")) continue;
    const std::string count =
        entry.path.substr(prefix.size(), entry.path.size() - prefix.size() - 12);
    int world = 0;
    try {
      world = std::stoi(count);
    } catch (const std::exception&) {
      continue;
    }
    for (int rank = 1; rank < world; ++rank) {
      const std::string part = base + rank_part_suffix(rank, world) + ".safetensors";
      if (!is_listed(manifest, part)) {
        throw Error((checkpoint_dir / part).string() + ": missing from the checkpoint (a save by " +
                    std::to_string(world) + " ranks lists every part)");
      }
    }
    return world;
  }
  return 0;
}

}  // namespace

std::string rows_file_path(const std::string& shared_name) {
  return "sparse/" + escaped(shared_name) + ".safetensors";
}

std::string rows_part_path(const std::string& shared_name, int rank, int world) {
  return "sparse/" + escaped(shared_name) + rank_part_suffix(rank, world) + ".safetensors";
}

void save_embeddings(embedding::Engine& engine, CheckpointStaging& staging) {
  const RankShard shard = shard_of(engine);
  for (std::size_t t = 0; t < engine.table_count(); ++t) {
    const embedding::Table& table = engine.table(t);
    const std::vector<std::string>& children = table.children();
    std::vector<ChildRows> lists = live_rows_by_child(table.core(), children.size(), engine.pool());
    for (std::size_t child = 0; child < children.size(); ++child) {
      const std::string relative = rows_part_path(children[child], shard.rank, shard.world);
      const FileDigest digest =
          write_rows_file(table.core(), lists[child], children.size() > 1,
                          {table.name(), children[child]}, {}, staging.path_for(relative),
                          engine.pool());
      staging.add(relative, digest);
      lists[child] = {};  // frees the lists as soon as each child is written
    }
    if (const embedding::CountingBloomFilter* filter = table.core().admission_filter()) {
      std::vector<uint8_t> counters(filter->counters());
      filter->save(counters);
      const std::string relative = admission_file_path(table.name(), shard.rank, shard.world);
      SafeTensorsWriter writer(staging.path_for(relative),
                               {{"counters", DType::U8, {static_cast<int64_t>(counters.size())}}},
                               {{"format", "recis-admission-filter"}, {"table", table.name()}});
      writer.write(0, 0, std::as_bytes(std::span(counters)));
      staging.add(relative, writer.finish());
    }
  }
}

namespace {

// Reads one admission-filter file's counters, checked against the manifest and the filter's size.
std::vector<uint8_t> read_filter_counters(const std::filesystem::path& checkpoint_dir,
                                          const Manifest& manifest, const std::string& relative,
                                          const embedding::Table& table, std::size_t counters) {
  manifest_entry(manifest, relative, checkpoint_dir);
  const SafeTensorsReader file(checkpoint_dir / relative);
  const TensorInfo& info = file.at("counters");
  if (info.dtype != DType::U8 || info.bytes() != counters) {
    throw Error(file.path().string() + ": " + std::to_string(info.bytes()) +
                " filter counters, table '" + table.name() + "' has " + std::to_string(counters));
  }
  std::vector<uint8_t> bytes(counters);
  file.read(0, 0, std::as_writable_bytes(std::span(bytes)));
  check_read_digest(file, manifest, checkpoint_dir, relative);
  return bytes;
}

}  // namespace

void load_embeddings(embedding::Engine& engine, const std::filesystem::path& checkpoint_dir,
                     const Manifest& manifest) {
  const RankShard shard = shard_of(engine);
  for (std::size_t t = 0; t < engine.table_count(); ++t) {
    embedding::Table& table = engine.table(t);
    const std::vector<std::string>& children = table.children();
    for (std::size_t child = 0; child < children.size(); ++child) {
      const std::string base = "sparse/" + escaped(children[child]);
      const int world = saved_world(manifest, base, checkpoint_dir);
      if (world == 0) {
        throw Error((checkpoint_dir / (base + ".safetensors")).string() +
                    ": not in the checkpoint (no rows of '" + children[child] + "')");
      }
      for (int part = 0; part < world; ++part) {
        const std::string relative = rows_part_path(children[child], part, world);
        manifest_entry(manifest, relative, checkpoint_dir);
        const SafeTensorsReader file(checkpoint_dir / relative);
        load_rows_file(table.core(), file,
                       children.size() > 1 ? static_cast<int64_t>(child) : int64_t{-1},
                       engine.pool(), shard);
        check_read_digest(file, manifest, checkpoint_dir, relative);
      }
    }
    embedding::CountingBloomFilter* filter = table.core().admission_filter();
    if (!filter) continue;
    const int world = saved_world(manifest, "sparse/" + escaped(table.name()) + ".admission",
                                  checkpoint_dir);
    if (world == 0) {
      RECIS_LOG(Warning) << "checkpoint " << checkpoint_dir.string()
                         << " has no admission filter for table '" << table.name()
                         << "' (another merge layout?): ids not yet admitted start uncounted";
      continue;
    }
    if (world == shard.world) {
      filter->load(read_filter_counters(checkpoint_dir, manifest,
                                        admission_file_path(table.name(), shard.rank, world),
                                        table, filter->counters()));
      continue;
    }
    std::vector<uint8_t> sum(filter->counters(), 0);
    for (int part = 0; part < world; ++part) {
      const std::vector<uint8_t> counters = read_filter_counters(
          checkpoint_dir, manifest, admission_file_path(table.name(), part, world), table,
          filter->counters());
      for (std::size_t i = 0; i < sum.size(); ++i) {
        sum[i] = static_cast<uint8_t>(std::min(255, sum[i] + counters[i]));
      }
    }
    filter->load(sum);
  }
}

}  // namespace recis::serialize

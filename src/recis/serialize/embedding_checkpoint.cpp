#include "recis/serialize/embedding_checkpoint.h"

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

std::string admission_file_path(const std::string& table) {
  return "sparse/" + escaped(table) + ".admission.safetensors";
}

}  // namespace

std::string rows_file_path(const std::string& shared_name) {
  return "sparse/" + escaped(shared_name) + ".safetensors";
}

void save_embeddings(embedding::Engine& engine, CheckpointStaging& staging) {
  for (std::size_t t = 0; t < engine.table_count(); ++t) {
    const embedding::Table& table = engine.table(t);
    const std::vector<std::string>& children = table.children();
    std::vector<ChildRows> lists = live_rows_by_child(table.core(), children.size(), engine.pool());
    for (std::size_t child = 0; child < children.size(); ++child) {
      const std::string relative = rows_file_path(children[child]);
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
      const std::string relative = admission_file_path(table.name());
      SafeTensorsWriter writer(staging.path_for(relative),
                               {{"counters", DType::U8, {static_cast<int64_t>(counters.size())}}},
                               {{"format", "recis-admission-filter"}, {"table", table.name()}});
      writer.write(0, 0, std::as_bytes(std::span(counters)));
      staging.add(relative, writer.finish());
    }
  }
}

void load_embeddings(embedding::Engine& engine, const std::filesystem::path& checkpoint_dir,
                     const Manifest& manifest) {
  for (std::size_t t = 0; t < engine.table_count(); ++t) {
    embedding::Table& table = engine.table(t);
    const std::vector<std::string>& children = table.children();
    for (std::size_t child = 0; child < children.size(); ++child) {
      const std::string relative = rows_file_path(children[child]);
      manifest_entry(manifest, relative, checkpoint_dir);
      const SafeTensorsReader file(checkpoint_dir / relative);
      load_rows_file(table.core(), file,
                     children.size() > 1 ? static_cast<int64_t>(child) : int64_t{-1},
                     engine.pool());
      check_read_digest(file, manifest, checkpoint_dir, relative);
    }
    embedding::CountingBloomFilter* filter = table.core().admission_filter();
    if (!filter) continue;
    const std::string relative = admission_file_path(table.name());
    if (!is_listed(manifest, relative)) {
      RECIS_LOG(Warning) << "checkpoint " << checkpoint_dir.string()
                         << " has no admission filter for table '" << table.name()
                         << "' (another merge layout?): ids not yet admitted start uncounted";
      continue;
    }
    manifest_entry(manifest, relative, checkpoint_dir);
    const SafeTensorsReader file(checkpoint_dir / relative);
    const TensorInfo& counters = file.at("counters");
    if (counters.dtype != DType::U8 || counters.bytes() != filter->counters()) {
      throw Error(file.path().string() + ": " + std::to_string(counters.bytes()) +
                  " filter counters, table '" + table.name() + "' has " +
                  std::to_string(filter->counters()));
    }
    std::vector<uint8_t> bytes(filter->counters());
    file.read(0, 0, std::as_writable_bytes(std::span(bytes)));
    check_read_digest(file, manifest, checkpoint_dir, relative);
    filter->load(bytes);
  }
}

}  // namespace recis::serialize

// Checkpoint tools (docs/checkpoints.md):
//   `recis ckpt inspect DIR [--no-verify]` prints, as JSON, a checkpoint's step, its embedding
//   rows files (table, child, rows, dim, dtype, slots, bytes), its dense tensors, the trainer and
//   data state, after checking every file's size and CRC-32C against the manifest. DIR is a
//   ckpt-STEP directory or an output directory (its latest checkpoint).
//   `recis export --since A --to B --out DELTA` writes the rows of B that are new or changed since
//   A, and the ids A has and B no longer has ("evicted_ids"), in the rows-file layout, plus B's
//   dense model, as a checkpoint-style directory with a manifest: what online serving loads
//   between full exports. DELTA appears whole or not at all.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "recis/cli/command_registry.h"
#include "recis/common/error.h"
#include "recis/common/thread_pool.h"
#include "recis/common/threads.h"
#include "recis/serialize/core/checkpoint_dir.h"
#include "recis/serialize/core/checkpoint_files.h"
#include "recis/serialize/core/file_util.h"
#include "recis/serialize/core/strict_json.h"
#include "recis/serialize/core/table_delta.h"
#include "recis/serialize/core/table_rows.h"

namespace recis::cli {
namespace {

using serialize::Manifest;
using serialize::ManifestEntry;

constexpr const char* kModelFile = "dense/model.safetensors";

bool is_rows_file(const std::string& relative) {
  return relative.starts_with("sparse/") && relative.ends_with(".safetensors") &&
         relative.find(".admission.") == std::string::npos;
}

nlohmann::json tensor_list(const serialize::SafeTensorsReader& file) {
  nlohmann::json tensors = nlohmann::json::array();
  for (const serialize::TensorInfo& info : file.tensors()) {
    tensors.push_back(
        {{"name", info.name}, {"dtype", serialize::dtype_name(info.dtype)}, {"shape", info.shape}});
  }
  return tensors;
}

void run_inspect(const std::string& path, bool verify) {
  const std::filesystem::path dir = serialize::resolve_checkpoint(path);
  if (verify) serialize::verify_checkpoint(dir);
  const Manifest manifest = serialize::read_manifest(dir);
  nlohmann::json out{{"checkpoint", dir.string()},
                     {"step", manifest.step},
                     {"format_version", manifest.version},
                     {"verified", verify}};
  uint64_t total = 0;
  nlohmann::json tables = nlohmann::json::array();
  nlohmann::json others = nlohmann::json::array();
  for (const ManifestEntry& entry : manifest.files) {
    total += entry.bytes;
    if (is_rows_file(entry.path)) {
      const serialize::SafeTensorsReader file(dir / entry.path);
      const serialize::RowsFileLayout layout = serialize::read_rows_layout(file);
      nlohmann::json slots = nlohmann::json::array();
      for (const auto& slot : layout.slots) slots.push_back(slot.name + ":" + std::to_string(slot.width));
      nlohmann::json table{{"file", entry.path},
                           {"table", layout.names.table},
                           {"child", layout.names.child},
                           {"rows", layout.rows},
                           {"dim", layout.dim},
                           {"dtype", embedding::element_type_name(layout.element_type)},
                           {"slots", slots},
                           {"bytes", entry.bytes}};
      if (layout.evicted > 0) table["evicted_ids"] = layout.evicted;
      tables.push_back(table);
    } else if (entry.path.ends_with(".safetensors")) {
      const serialize::SafeTensorsReader file(dir / entry.path);
      others.push_back({{"file", entry.path}, {"bytes", entry.bytes}, {"tensors", tensor_list(file)}});
    } else if (entry.path.ends_with(".json")) {
      out[entry.path.substr(0, entry.path.size() - 5)] =
          serialize::parse_strict_json(serialize::read_listed_text(dir, manifest, entry.path),
                                       (dir / entry.path).string());
    }
  }
  out["files"] = manifest.files.size();
  out["bytes"] = total;
  out["tables"] = tables;
  out["tensor_files"] = others;
  std::printf("%s\n", out.dump(2).c_str());
}

// Loads a listed rows file into a table made for its layout (ids kept as stored).
std::unique_ptr<embedding::TableCore> load_table(const std::filesystem::path& dir,
                                                 const Manifest& manifest,
                                                 const std::string& relative, ThreadPool& pool,
                                                 serialize::RowsFileLayout& layout) {
  serialize::manifest_entry(manifest, relative, dir);
  const serialize::SafeTensorsReader file(dir / relative);
  layout = serialize::read_rows_layout(file);
  auto table = std::make_unique<embedding::TableCore>(serialize::table_options_for(layout));
  serialize::load_rows_file(*table, file, -1, pool);
  serialize::check_read_digest(file, manifest, dir, relative);
  return table;
}

struct ExportOptions {
  std::string since;
  std::string to;
  std::string out;
};

void run_export(const ExportOptions& options) {
  const std::filesystem::path since = serialize::resolve_checkpoint(options.since);
  const std::filesystem::path to = serialize::resolve_checkpoint(options.to);
  const std::filesystem::path out = std::filesystem::absolute(options.out).lexically_normal();
  if (std::filesystem::exists(out)) {
    throw ConfigError("--out " + out.string() + ": exists already; give a new directory");
  }
  const Manifest since_manifest = serialize::read_manifest(since);
  const Manifest to_manifest = serialize::read_manifest(to);
  ThreadPool pool(configured_threads());

  // The delta is committed as a checkpoint inside a private parent, then renamed to `out`.
  const std::filesystem::path parent =
      out.parent_path() / ("." + out.filename().string() + ".export-" + std::to_string(::getpid()));
  std::filesystem::remove_all(parent);
  struct RemoveParent {
    std::filesystem::path path;
    ~RemoveParent() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } cleanup{parent};

  uint64_t changed = 0, evicted = 0;
  {
    serialize::CheckpointStaging staging(parent, to_manifest.step);
    auto export_file = [&](const std::string& relative) {
      serialize::RowsFileLayout to_layout, since_layout;
      std::unique_ptr<embedding::TableCore> target, base;
      if (serialize::is_listed(to_manifest, relative)) {
        target = load_table(to, to_manifest, relative, pool, to_layout);
      }
      if (serialize::is_listed(since_manifest, relative)) {
        base = load_table(since, since_manifest, relative, pool, since_layout);
      }
      const serialize::RowsFileLayout& layout = target ? to_layout : since_layout;
      if (!target) target = std::make_unique<embedding::TableCore>(serialize::table_options_for(layout));
      if (!base) base = std::make_unique<embedding::TableCore>(serialize::table_options_for(layout));
      const serialize::RowsDelta delta = serialize::diff_rows(*base, *target);
      changed += delta.changed.ids.size();
      evicted += delta.evicted.size();
      staging.add(relative, serialize::write_rows_file(*target, delta.changed, false, layout.names,
                                                       delta.evicted, staging.path_for(relative),
                                                       pool));
    };
    for (const ManifestEntry& entry : to_manifest.files) {
      if (is_rows_file(entry.path)) export_file(entry.path);
    }
    for (const ManifestEntry& entry : since_manifest.files) {
      if (is_rows_file(entry.path) && !serialize::is_listed(to_manifest, entry.path)) {
        export_file(entry.path);
      }
    }
    if (serialize::is_listed(to_manifest, kModelFile)) {
      staging.write_file(kModelFile, serialize::read_listed_text(to, to_manifest, kModelFile));
    }
    const nlohmann::json about{{"format", "recis-delta"},
                               {"since", since.string()},
                               {"since_step", since_manifest.step},
                               {"to", to.string()},
                               {"to_step", to_manifest.step}};
    staging.write_file("delta.json", about.dump(2) + "\n");
    const std::filesystem::path committed = staging.commit(0);
    std::filesystem::rename(committed, out);
    serialize::fsync_directory(out.parent_path());
  }
  const nlohmann::json line{{"out", out.string()},
                            {"since_step", since_manifest.step},
                            {"to_step", to_manifest.step},
                            {"changed_rows", changed},
                            {"evicted_ids", evicted}};
  std::printf("%s\n", line.dump().c_str());
}

void setup_ckpt(CLI::App& command) {
  command.require_subcommand(1);
  CLI::App* inspect = command.add_subcommand(
      "inspect", "list a checkpoint's tables, tensors and state, verifying every checksum");
  auto path = std::make_shared<std::string>();
  auto no_verify = std::make_shared<bool>(false);
  inspect->add_option("dir", *path, "ckpt-STEP directory or output directory")->required();
  inspect->add_flag("--no-verify", *no_verify, "skip the checksum pass");
  inspect->callback([path, no_verify] { run_inspect(*path, !*no_verify); });
}

void setup_export(CLI::App& command) {
  auto options = std::make_shared<ExportOptions>();
  command.add_option("--since", options->since, "the base checkpoint (or output directory)")
      ->required();
  command.add_option("--to", options->to, "the newer checkpoint (or output directory)")->required();
  command.add_option("--out", options->out, "the delta directory to create")->required();
  command.callback([options] { run_export(*options); });
}

RECIS_REGISTER_COMMAND("ckpt", "inspect and verify checkpoints", setup_ckpt);
RECIS_REGISTER_COMMAND("export", "write the rows changed between two checkpoints (a delta)",
                       setup_export);

}  // namespace
}  // namespace recis::cli

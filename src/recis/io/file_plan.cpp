#include "recis/io/file_plan.h"

#include <algorithm>
#include <random>

#include "recis/common/error.h"
#include "recis/common/logging.h"
#include "recis/io/column_decoder.h"
#include "recis/orc/reader.h"

namespace recis::io {
namespace fs = std::filesystem;

std::vector<fs::path> list_orc_files(const std::vector<fs::path>& paths) {
  std::vector<fs::path> files;
  for (const fs::path& path : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) throw IoError("orc dataset: path " + path.string() + " does not exist");
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::vector<fs::path> found;
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
      if (entry.is_regular_file() && entry.path().extension() == ".orc") found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  if (files.empty()) throw ConfigError("orc dataset: no .orc files under the given paths");
  return files;
}

FilePlan FilePlan::build(const OrcDatasetOptions& options) {
  FilePlan plan;
  std::vector<std::string> names;
  for (const ColumnSpec& spec : options.columns) names.push_back(spec.name);
  fs::path first_file;
  for (const fs::path& path : list_orc_files(options.paths)) {
    std::unique_ptr<orc::Reader> reader;
    try {
      reader = orc::Reader::open(path);
    } catch (const Error& error) {
      if (!options.skip_unreadable_files) {
        throw IoError("orc dataset: cannot read " + path.string() + ": " + error.what() +
                      " (skip_unreadable_files skips such files)");
      }
      RECIS_LOG(Warning) << "orc dataset: skipping unreadable file " << path.string() << ": " << error.what();
      ++plan.skipped_files_;
      continue;
    }
    const orc::Type& schema = reader->schema();
    for (std::size_t c = 0; c < options.columns.size(); ++c) {
      const ColumnSpec& spec = options.columns[c];
      const orc::Type* type = schema.kind() == orc::TypeKind::Struct ? schema.find_field(spec.name) : nullptr;
      if (type == nullptr) {
        throw ConfigError("orc dataset: file " + path.string() + " has no column '" + spec.name +
                          "' (its schema is " + schema.to_string() + ")");
      }
      const std::string type_text = type->to_string();
      if (plan.column_types_.size() == c) {
        check_column_type(spec, *type, path.string());
        plan.column_types_.push_back(type_text);
      } else if (plan.column_types_[c] != type_text) {
        throw ConfigError("orc dataset: column '" + spec.name + "' is " + type_text + " in " + path.string() +
                          " but " + plan.column_types_[c] + " in " + first_file.string());
      }
    }
    if (first_file.empty()) first_file = path;
    OrcFileInfo info;
    info.path = path;
    std::uint64_t first_row = 0;
    for (std::size_t s = 0; s < reader->num_stripes(); ++s) {
      const std::uint64_t rows = reader->tail().footer().stripes(static_cast<int>(s)).number_of_rows();
      info.stripe_rows.push_back(rows);
      info.stripe_first_row.push_back(first_row);
      first_row += rows;
    }
    plan.total_units_ += info.stripe_rows.size();
    plan.files_.push_back(std::move(info));
  }
  if (plan.files_.empty()) {
    throw IoError("orc dataset: none of the " + std::to_string(plan.skipped_files_) + " files could be read");
  }
  return plan;
}

std::vector<WorkUnit> FilePlan::shard_units(std::size_t epoch, const OrcDatasetOptions& options) const {
  std::vector<std::size_t> order(files_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (options.shuffle) {
    // seed_seq mixes (seed, epoch) so that neighbouring epochs get unrelated orders; Fisher-Yates
    // with an explicit rule, so the order is the same with every standard library.
    std::seed_seq mixed{static_cast<std::uint32_t>(options.seed), static_cast<std::uint32_t>(options.seed >> 32),
                        static_cast<std::uint32_t>(epoch), static_cast<std::uint32_t>(std::uint64_t{epoch} >> 32)};
    std::mt19937_64 generator(mixed);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[generator() % i]);
  }
  std::vector<WorkUnit> units;
  std::size_t u = 0;
  for (const std::size_t f : order) {
    const OrcFileInfo& file = files_[f];
    for (std::size_t s = 0; s < file.stripe_rows.size(); ++s, ++u) {
      if (u % options.worker_num != options.worker_idx) continue;
      units.push_back({f, s, file.stripe_rows[s], file.stripe_first_row[s]});
    }
  }
  return units;
}

}  // namespace recis::io

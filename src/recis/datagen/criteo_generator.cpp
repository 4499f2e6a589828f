#include "recis/datagen/criteo_generator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "recis/common/error.h"
#include "recis/common/exact_auc.h"
#include "recis/common/thread_pool.h"
#include "recis/common/threads.h"
#include "recis/datagen/criteo_batch.h"
#include "recis/datagen/criteo_source.h"

namespace recis::datagen {
namespace {

constexpr std::size_t kBatchRows = 8192;
constexpr std::size_t kMaxParts = 100000;

// The first row of part p: rows * p / parts, without overflow.
std::uint64_t part_begin(std::uint64_t rows, std::size_t parts, std::size_t p) {
  return static_cast<std::uint64_t>(static_cast<unsigned __int128>(rows) * p / parts);
}

bool is_part_file(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  return name.starts_with("part-") && name.ends_with(".orc");
}

void check_options(const CriteoOptions& options) {
  if (options.out_dir.empty()) throw ConfigError("gen-data: no output directory given");
  if (options.rows == 0) throw ConfigError("gen-data: --rows must be at least 1");
  if (options.parts == 0 || options.parts > kMaxParts) {
    throw ConfigError("gen-data: --parts must lie in [1, " + std::to_string(kMaxParts) + "], got " +
                      std::to_string(options.parts));
  }
  if (options.parts > options.rows) {
    throw ConfigError("gen-data: --parts " + std::to_string(options.parts) +
                      " is more than --rows " + std::to_string(options.rows) +
                      " (every part needs a row)");
  }
}

// Creates the directory and clears (with overwrite) or refuses earlier part files in it.
void prepare_directory(const CriteoOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(options.out_dir, error);
  if (error || !std::filesystem::is_directory(options.out_dir)) {
    throw IoError("gen-data: cannot create directory " + options.out_dir.string() +
                  (error ? ": " + error.message() : ""));
  }
  for (const auto& entry : std::filesystem::directory_iterator(options.out_dir)) {
    if (!is_part_file(entry.path())) continue;
    if (!options.overwrite) {
      throw ConfigError("gen-data: " + options.out_dir.string() + " already holds " +
                        entry.path().filename().string() +
                        "; choose an empty directory or overwrite (--force)");
    }
    std::filesystem::remove(entry.path());
  }
}

struct PartResult {
  std::uint64_t positives = 0;
  double probability_sum = 0;
};

// Writes rows [begin, end) (counted from options.first_row) to `path`; records probabilities
// and labels of rows below `scores.size()` at their row index.
PartResult write_part(const CriteoSource& source, const CriteoOptions& options,
                      const std::filesystem::path& path, std::uint64_t begin, std::uint64_t end,
                      std::vector<float>& scores, std::vector<float>& labels) {
  CriteoBatch batch(options.with_sequence);
  orc::Writer writer(path, batch.schema(), options.writer);
  PartResult result;
  CriteoRow row;
  for (std::uint64_t index = begin; index < end; ++index) {
    source.row(options.first_row + index, row);
    result.positives += row.label;
    result.probability_sum += row.probability;
    if (index < scores.size()) {
      scores[index] = static_cast<float>(row.probability);
      labels[index] = row.label ? 1.0f : 0.0f;
    }
    batch.append(row);
    if (batch.rows() == kBatchRows) {
      writer.add(batch.vector());
      batch.clear();
    }
  }
  if (batch.rows() > 0) writer.add(batch.vector());
  writer.close();
  return result;
}

}  // namespace

std::filesystem::path part_path(const std::filesystem::path& dir, std::size_t part) {
  char name[32];
  std::snprintf(name, sizeof(name), "part-%05zu.orc", part);
  return dir / name;
}

GenerationSummary generate_criteo(const CriteoOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  check_options(options);
  prepare_directory(options);
  const CriteoSource source(options.seed, options.with_sequence, options.positive_rate);

  GenerationSummary summary;
  summary.rows = options.rows;
  summary.bayes_auc_rows = std::min(options.rows, kMaxBayesAucRows);
  std::vector<float> scores(summary.bayes_auc_rows), labels(summary.bayes_auc_rows);
  std::vector<PartResult> parts(options.parts);
  for (std::size_t p = 0; p < options.parts; ++p)
    summary.files.push_back(part_path(options.out_dir, p));

  const std::size_t threads = std::clamp<std::size_t>(
      options.threads > 0 ? options.threads : configured_threads(), 1, options.parts);
  ThreadPool pool(threads - 1);
  pool.parallel_for(options.parts, 1, [&](std::size_t first, std::size_t last) {
    for (std::size_t p = first; p < last; ++p) {
      parts[p] =
          write_part(source, options, summary.files[p], part_begin(options.rows, options.parts, p),
                     part_begin(options.rows, options.parts, p + 1), scores, labels);
    }
  });

  double probability_sum = 0;
  for (const PartResult& part : parts) {
    summary.positives += part.positives;
    probability_sum += part.probability_sum;
  }
  summary.positive_rate =
      static_cast<double>(summary.positives) / static_cast<double>(summary.rows);
  summary.mean_probability = probability_sum / static_cast<double>(summary.rows);
  summary.bayes_auc = exact_auc(scores, labels);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace recis::datagen

// `recis gen-data --rows N [--first-row K] --out DIR [--parts P] [--seed S] [--compression zstd]
// [--stripe-rows N] [--with-sequence] [--positive-rate R] [--force]`: writes the Criteo-like
// sample data of datagen/criteo_generator.h and prints rows, files, positive rate and the
// generator's Bayes-optimal AUC, then one JSON line with the same numbers.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "recis/cli/command_registry.h"
#include "recis/datagen/criteo_generator.h"
#include "recis/orc/compressor.h"
#include "recis/orc/decompressor.h"

namespace recis::cli {
namespace {

struct GenDataOptions {
  std::uint64_t rows = 1'000'000;
  std::uint64_t first_row = 0;
  std::string out;
  std::size_t parts = 1;
  std::uint64_t seed = 1;
  std::string compression = "zstd";
  std::uint64_t stripe_rows = 0;
  bool with_sequence = false;
  double positive_rate = 0.25;
  bool force = false;
};

void run_gen_data(const GenDataOptions& options) {
  datagen::CriteoOptions criteo;
  criteo.with_out_dir(options.out)
      .with_rows(options.rows)
      .with_first_row(options.first_row)
      .with_parts(options.parts)
      .with_seed(options.seed)
      .with_sequence_column(options.with_sequence)
      .with_positive_rate(options.positive_rate)
      .with_overwrite(options.force);
  criteo.writer.with_compression(orc::compression_from_name(options.compression))
      .with_stripe_rows(options.stripe_rows);
  const datagen::GenerationSummary summary = datagen::generate_criteo(criteo);

  std::printf("wrote %llu rows in %zu files to %s (%.1f s)\n",
              static_cast<unsigned long long>(summary.rows), summary.files.size(),
              options.out.c_str(), summary.seconds);
  std::printf("positive rate %.4f (hidden model's mean probability %.4f)\n", summary.positive_rate,
              summary.mean_probability);
  std::printf("Bayes-optimal AUC %.4f (true probabilities vs labels, %llu rows)\n",
              summary.bayes_auc, static_cast<unsigned long long>(summary.bayes_auc_rows));
  nlohmann::json files = nlohmann::json::array();
  for (const auto& file : summary.files) files.push_back(file.string());
  const nlohmann::json report = {
      {"rows", summary.rows},
      {"files", files},
      {"positive_rate", summary.positive_rate},
      {"mean_probability", summary.mean_probability},
      {"bayes_auc", summary.bayes_auc},
      {"bayes_auc_rows", summary.bayes_auc_rows},
      {"seed", options.seed},
      {"with_sequence", options.with_sequence},
      {"compression", std::string(orc::compression_name(criteo.writer.compression))},
      {"seconds", summary.seconds}};
  std::printf("%s\n", report.dump().c_str());
}

void setup_gen_data(CLI::App& command) {
  auto options = std::make_shared<GenDataOptions>();
  command.footer(
      "Columns: c1..c26 list<bigint> (Zipf ids over vocabularies of 10 to 1M; c24..c26 hold 1-5 "
      "ids), "
      "i1..i13 list<double> (log-normal counts, some null or empty), label list<double> (0/1 from "
      "a "
      "hidden logistic model with pairwise interactions), and with --with-sequence hist "
      "list<bigint> "
      "(0-50 c1 ids, for DIN). Row i is the same for a seed whatever --parts is.");
  command.add_option("--rows", options->rows, "rows to write")->capture_default_str();
  command.add_option("--first-row", options->first_row,
                     "start at this row of the seed's sequence (a held-out set from the same "
                     "hidden model starts where the training rows end)")
      ->capture_default_str();
  command.add_option("--out", options->out, "output directory (part-00000.orc, ...)")->required();
  command
      .add_option("--parts", options->parts, "files to split the rows into (written in parallel)")
      ->capture_default_str();
  command.add_option("--seed", options->seed, "seed of the rows and of the hidden model")
      ->capture_default_str();
  command.add_option("--compression", options->compression, "none | zlib | snappy | lzo | lz4 | zstd")
      ->capture_default_str();
  command.add_option("--stripe-rows", options->stripe_rows, "rows per stripe (0: by size, 64 MiB)")
      ->capture_default_str();
  command.add_flag("--with-sequence", options->with_sequence,
                   "add the hist sequence column for DIN");
  command
      .add_option("--positive-rate", options->positive_rate, "expected share of positive labels")
      ->capture_default_str();
  command.add_flag("--force", options->force, "replace part files already in --out");
  command.callback([options] { run_gen_data(*options); });
}

RECIS_REGISTER_COMMAND("gen-data",
                       "write Criteo-like sample ORC data with a known Bayes-optimal AUC",
                       setup_gen_data);

}  // namespace
}  // namespace recis::cli

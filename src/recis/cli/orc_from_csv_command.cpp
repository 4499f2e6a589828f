// `recis orc from-csv --schema 'struct<...>' [--compression zstd] [--header] IN.csv OUT.orc`:
// converts a CSV file to ORC with recis::orc::Writer. The cell syntax is csv_to_orc.h's, repeated
// in --help below.
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "recis/cli/orc_command.h"
#include "recis/common/error.h"
#include "recis/orc/compressor.h"
#include "recis/orc/csv_to_orc.h"

namespace recis::cli {
namespace {

constexpr char kCellSyntax[] =
    "CSV: comma-separated, fields optionally quoted with \" (\"\" inside stands for \"), one "
    "record per line. The schema's struct fields are the columns in order.\n"
    "Cells: empty = null; \"\" = empty string/list/map; boolean true/false/1/0; integers; "
    "float/double (nan, inf allowed); decimal -123.45; date YYYY-MM-DD; timestamp "
    "YYYY-MM-DD HH:MM:SS[.fraction] in UTC; list elements separated by ';' (1;2;3, an empty "
    "element is null); map entries k:v separated by ';' (a:1;b:2).";

struct FromCsvOptions {
  std::string schema;
  std::string compression = "zstd";
  std::string compression_strategy = "speed";
  std::size_t block_size = 256 * 1024;
  std::uint64_t stripe_size = 64ull << 20;
  std::uint32_t row_index_stride = 10000;
  bool header = false;
  bool v011 = false;
  std::string input;
  std::string output;
};

void run_from_csv(const FromCsvOptions& options) {
  const orc::Type schema = orc::Type::parse(options.schema);
  orc::CsvToOrcOptions convert;
  convert.header = options.header;
  convert.writer.compression = orc::compression_from_name(options.compression);
  convert.writer.compression_strategy =
      orc::compression_strategy_from_name(options.compression_strategy);
  convert.writer.compression_block_size = options.block_size;
  convert.writer.stripe_size = options.stripe_size;
  convert.writer.row_index_stride = options.row_index_stride;
  convert.writer.version = options.v011 ? orc::FileVersion::V0_11 : orc::FileVersion::V0_12;
  std::ifstream input(options.input, std::ios::binary);
  if (!input) throw IoError("cannot open " + options.input);
  const std::uint64_t rows = orc::csv_to_orc(input, options.input, options.output, schema, convert);
  std::printf("wrote %llu rows to %s\n", static_cast<unsigned long long>(rows), options.output.c_str());
}

void setup_from_csv(CLI::App& command) {
  auto options = std::make_shared<FromCsvOptions>();
  command.footer(kCellSyntax);
  command.add_option("--schema", options->schema, "ORC schema, e.g. 'struct<id:bigint,tags:array<string>>'")
      ->required();
  command.add_option("--compression", options->compression, "none | zlib | snappy | lzo | lz4 | zstd")
      ->capture_default_str();
  command.add_option("--compression-strategy", options->compression_strategy,
                     "speed (zlib level 2, zstd 1; Apache's default) | compression (zlib 6, zstd 3)")
      ->capture_default_str();
  command.add_option("--block-size", options->block_size, "compression chunk size in bytes")
      ->capture_default_str();
  command.add_option("--stripe-size", options->stripe_size, "stripe size in bytes")->capture_default_str();
  command.add_option("--row-index-stride", options->row_index_stride, "rows per row-index entry (0: none)")
      ->capture_default_str();
  command.add_flag("--header", options->header, "the first record holds column names (skipped)");
  command.add_flag("--v011", options->v011, "write format 0.11 (RLEv1) instead of 0.12");
  command.add_option("input", options->input, "CSV file")->required();
  command.add_option("output", options->output, "ORC file to write")->required();
  command.callback([options] { run_from_csv(*options); });
}

RECIS_REGISTER_ORC_SUBCOMMAND("from-csv", "convert a CSV file to ORC", setup_from_csv);

}  // namespace
}  // namespace recis::cli

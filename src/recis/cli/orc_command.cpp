// `recis orc cat|scan|meta`: print an ORC file's rows (the corpus format), decode it without
// printing (rows, batches, speed), or describe it as JSON (schema, stripes, encodings,
// statistics). Subcommands added by other files through orc_command.h join these.
#include "recis/cli/orc_command.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "recis/common/error.h"
#include "recis/orc/reader.h"
#include "recis/orc/row_printer.h"

namespace recis::cli {

std::vector<CommandSpec>& registered_orc_subcommands() {
  static std::vector<CommandSpec> commands;
  return commands;
}

OrcSubcommandRegistrar::OrcSubcommandRegistrar(CommandSpec spec) {
  registered_orc_subcommands().push_back(std::move(spec));
}

namespace {

struct ReadOptions {
  std::string path;
  std::vector<std::string> columns;
  std::size_t batch_rows = 1024;
};

void add_read_options(CLI::App& command, ReadOptions& options, std::size_t default_batch) {
  options.batch_rows = default_batch;
  command.add_option("--columns", options.columns, "columns to read: names or struct paths (a,b.c)")
      ->delimiter(',');
  command.add_option("--batch-size", options.batch_rows, "rows per batch")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command.add_option("file", options.path, "ORC file")->required();
}

std::unique_ptr<orc::Reader> open_reader(const ReadOptions& options) {
  orc::ReaderOptions reader_options;
  reader_options.columns = options.columns;
  return orc::Reader::open(options.path, reader_options);
}

void run_cat(const ReadOptions& options) {
  auto reader = open_reader(options);
  const orc::RowPrinter printer(reader->selected_type());
  auto batch = reader->make_batch();
  std::string out;
  while (const std::size_t rows = reader->next(*batch, options.batch_rows)) {
    out.clear();
    for (std::size_t row = 0; row < rows; ++row) {
      printer.append_row(*batch, row, out);
      out += '\n';
    }
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) {
      throw IoError("orc cat: cannot write to standard output");
    }
  }
}

void run_scan(const ReadOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  auto reader = open_reader(options);
  auto batch = reader->make_batch();
  std::uint64_t rows = 0;
  std::uint64_t batches = 0;
  while (const std::size_t n = reader->next(*batch, options.batch_rows)) {
    rows += n;
    ++batches;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %llu rows in %llu batches, %zu stripes, %.3f s (%.0f rows/s)\n",
              options.path.c_str(), static_cast<unsigned long long>(rows),
              static_cast<unsigned long long>(batches), reader->num_stripes(), seconds,
              seconds > 0 ? static_cast<double>(rows) / seconds : 0.0);
}

nlohmann::ordered_json statistics_json(const orc::proto::ColumnStatistics& stats) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  if (stats.has_number_of_values()) out["values"] = stats.number_of_values();
  if (stats.has_has_null()) out["has_null"] = stats.has_null();
  if (stats.has_bytes_on_disk()) out["bytes_on_disk"] = stats.bytes_on_disk();
  if (stats.has_int_statistics()) {
    const auto& s = stats.int_statistics();
    if (s.has_minimum()) out["min"] = s.minimum();
    if (s.has_maximum()) out["max"] = s.maximum();
    if (s.has_sum()) out["sum"] = s.sum();
  }
  if (stats.has_double_statistics()) {
    const auto& s = stats.double_statistics();
    if (s.has_minimum()) out["min"] = s.minimum();
    if (s.has_maximum()) out["max"] = s.maximum();
    if (s.has_sum()) out["sum"] = s.sum();
  }
  if (stats.has_string_statistics()) {
    const auto& s = stats.string_statistics();
    // Bytes as written; invalid UTF-8 is replaced so the JSON stays valid.
    if (s.has_minimum()) out["min"] = s.minimum();
    if (s.has_maximum()) out["max"] = s.maximum();
    if (s.has_sum()) out["total_length"] = s.sum();
  }
  if (stats.has_bucket_statistics() && stats.bucket_statistics().count_size() > 0) {
    out["true_count"] = stats.bucket_statistics().count(0);
  }
  if (stats.has_decimal_statistics()) {
    const auto& s = stats.decimal_statistics();
    if (s.has_minimum()) out["min"] = s.minimum();
    if (s.has_maximum()) out["max"] = s.maximum();
    if (s.has_sum()) out["sum"] = s.sum();
  }
  if (stats.has_date_statistics()) {
    const auto& s = stats.date_statistics();
    if (s.has_minimum()) out["min_days"] = s.minimum();
    if (s.has_maximum()) out["max_days"] = s.maximum();
  }
  if (stats.has_timestamp_statistics()) {
    const auto& s = stats.timestamp_statistics();
    if (s.has_minimum_utc()) out["min_utc_millis"] = s.minimum_utc();
    if (s.has_maximum_utc()) out["max_utc_millis"] = s.maximum_utc();
  }
  if (stats.has_binary_statistics() && stats.binary_statistics().has_sum()) {
    out["total_length"] = stats.binary_statistics().sum();
  }
  if (stats.has_collection_statistics()) {
    const auto& s = stats.collection_statistics();
    out["min_children"] = s.min_children();
    out["max_children"] = s.max_children();
    out["total_children"] = s.total_children();
  }
  return out;
}

// Column id -> dotted path ("" for the root), in id order.
void column_paths(const orc::Type& type, const std::string& path, std::vector<std::string>& out) {
  out[type.column_id()] = path;
  for (std::size_t i = 0; i < type.num_children(); ++i) {
    std::string child;
    switch (type.kind()) {
      case orc::TypeKind::Struct: child = type.field_names()[i]; break;
      case orc::TypeKind::List: child = "_elem"; break;
      case orc::TypeKind::Map: child = i == 0 ? "_key" : "_value"; break;
      default: child = "_" + std::to_string(i);
    }
    column_paths(type.child(i), path.empty() ? child : path + "." + child, out);
  }
}

std::string_view encoding_name(orc::proto::ColumnEncoding::Kind kind) {
  switch (kind) {
    case orc::proto::ColumnEncoding::DIRECT: return "DIRECT";
    case orc::proto::ColumnEncoding::DICTIONARY: return "DICTIONARY";
    case orc::proto::ColumnEncoding::DIRECT_V2: return "DIRECT_V2";
    case orc::proto::ColumnEncoding::DICTIONARY_V2: return "DICTIONARY_V2";
  }
  return "UNKNOWN";
}

void run_meta(const std::string& path) {
  auto reader = orc::Reader::open(path);
  const auto& tail = reader->tail();
  const auto& footer = tail.footer();
  const orc::Type& schema = reader->schema();

  std::vector<std::string> paths(schema.num_columns());
  column_paths(schema, "", paths);
  nlohmann::ordered_json columns = nlohmann::ordered_json::array();
  for (std::uint32_t id = 0; id < schema.num_columns(); ++id) {
    nlohmann::ordered_json column = {{"id", id},
                             {"path", paths[id]},
                             {"type", schema.find_column(id)->to_string()}};
    if (static_cast<int>(id) < footer.statistics_size()) {
      column["statistics"] = statistics_json(footer.statistics(static_cast<int>(id)));
    }
    columns.push_back(std::move(column));
  }

  const orc::proto::Metadata metadata = reader->read_metadata();
  nlohmann::ordered_json stripes = nlohmann::ordered_json::array();
  for (std::size_t s = 0; s < reader->num_stripes(); ++s) {
    const auto& info = footer.stripes(static_cast<int>(s));
    const orc::proto::StripeFooter stripe_footer = reader->read_stripe_footer(s);
    nlohmann::ordered_json encodings = nlohmann::ordered_json::array();
    for (const auto& encoding : stripe_footer.columns()) {
      nlohmann::ordered_json entry = {{"kind", encoding_name(encoding.kind())}};
      if (encoding.has_dictionary_size()) entry["dictionary_size"] = encoding.dictionary_size();
      encodings.push_back(std::move(entry));
    }
    nlohmann::ordered_json stripe = {{"index", s},
                             {"offset", info.offset()},
                             {"index_length", info.index_length()},
                             {"data_length", info.data_length()},
                             {"footer_length", info.footer_length()},
                             {"rows", info.number_of_rows()},
                             {"streams", stripe_footer.streams_size()},
                             {"encodings", std::move(encodings)}};
    if (stripe_footer.has_writer_timezone()) {
      stripe["writer_timezone"] = stripe_footer.writer_timezone();
    }
    if (static_cast<int>(s) < metadata.stripe_stats_size()) {
      nlohmann::ordered_json stats = nlohmann::ordered_json::array();
      for (const auto& column : metadata.stripe_stats(static_cast<int>(s)).col_stats()) {
        stats.push_back(statistics_json(column));
      }
      stripe["statistics"] = std::move(stats);
    }
    stripes.push_back(std::move(stripe));
  }

  nlohmann::ordered_json user_metadata = nlohmann::ordered_json::object();
  for (const auto& item : footer.metadata()) user_metadata[item.name()] = item.value().size();

  nlohmann::ordered_json out = {
      {"file", path},
      {"format_version", tail.version()},
      {"writer_version", tail.postscript().writer_version()},
      {"compression", orc::compression_name(tail.compression())},
      {"compression_block_size", tail.block_size()},
      {"rows", reader->num_rows()},
      {"row_index_stride", footer.row_index_stride()},
      {"schema", schema.to_string()},
      {"columns", std::move(columns)},
      {"stripes", std::move(stripes)},
      {"user_metadata_bytes", std::move(user_metadata)},
  };
  if (footer.has_writer()) out["writer"] = footer.writer();
  if (footer.has_software_version()) out["software_version"] = footer.software_version();
  const std::string text =
      out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
}

void setup_orc(CLI::App& command) {
  command.require_subcommand(1);

  auto cat = std::make_shared<ReadOptions>();
  CLI::App* cat_command = command.add_subcommand("cat", "print the rows, one JSON-like line each");
  add_read_options(*cat_command, *cat, 1024);
  cat_command->callback([cat] { run_cat(*cat); });

  auto scan = std::make_shared<ReadOptions>();
  CLI::App* scan_command =
      command.add_subcommand("scan", "decode every selected value without printing; report speed");
  add_read_options(*scan_command, *scan, 8192);
  scan_command->callback([scan] { run_scan(*scan); });

  auto meta_path = std::make_shared<std::string>();
  CLI::App* meta_command = command.add_subcommand(
      "meta", "schema, rows, stripes, compression, encodings and statistics as JSON");
  meta_command->add_option("file", *meta_path, "ORC file")->required();
  meta_command->callback([meta_path] { run_meta(*meta_path); });

  for (const auto& spec : registered_orc_subcommands()) {
    spec.setup(*command.add_subcommand(spec.name, spec.description));
  }
}

RECIS_REGISTER_COMMAND("orc", "ORC file tools: cat, scan, meta", setup_orc);

}  // namespace
}  // namespace recis::cli

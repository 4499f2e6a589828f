// `recis bench orc-scan [--rows N] [--criteo-rows N] [--repeats N]`: writes, with our ORC
// writer, a 9-column table (bigint, 2x int, double, string, dictionary string, timestamp,
// boolean, decimal(18,4); 5M rows by default) and `recis gen-data`'s Criteo-like table (26
// list<bigint> + 13 list<double> + a list<double> label; 1M rows by default; its write time
// includes generating the rows), each uncompressed, zstd and zlib, then scans every file with
// our reader (all columns, 8192-row batches): rows/s and file MB/s.
// Apache ORC's C++ reader has no copy on these machines, so its published figures for the
// 9-column table (18M rows/s uncompressed, 8.5M zstd, 2.8M zlib) are printed beside ours and
// the uncompressed one is the JSON baseline, marked as a published reference, not measured here.
// `--files F...` scans those files instead (e.g. Apache-written ../shared/orc-bench/*.orc): our
// reader in this process, the whole `recis orc scan F` process (start-up included, as Apache's
// orc-scan figures are taken), and reading the file's bytes (page cache), the JSON baseline.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bench_flags.h"
#include "bench_registry.h"
#include "executables.h"
#include "scratch_dir.h"
#include "recis/common/error.h"
#include "recis/datagen/criteo_generator.h"
#include "recis/orc/reader.h"
#include "recis/orc/writer.h"

namespace recis::bench {
namespace {

constexpr double kReferenceRowsPerSecond[] = {18e6, 8.5e6, 2.8e6};  // none, zstd, zlib
constexpr orc::proto::CompressionKind kCodecs[] = {orc::proto::NONE, orc::proto::ZSTD, orc::proto::ZLIB};
constexpr const char* kCodecNames[] = {"none", "zstd", "zlib"};
constexpr std::size_t kBatchRows = 10000;
constexpr std::size_t kScanBatchRows = 8192;

struct Options {
  std::size_t rows = 5'000'000;
  std::size_t criteo_rows = 1'000'000;
  int repeats = 2;
  std::vector<std::string> files;
};

Options parse_options(const std::vector<std::string>& args) {
  Options options;
  parse_bench_flags("orc-scan", args,
                    {positive_integer_flag("--rows", &options.rows),
                     positive_integer_flag("--criteo-rows", &options.criteo_rows),
                     positive_integer_flag("--repeats", &options.repeats),
                     list_flag("--files", &options.files)});
  return options;
}

// Fills `batch` (of the 9-column schema) with `rows` rows starting at row `first`.
void fill_wide_batch(orc::ColumnVector& batch, std::size_t first, std::size_t rows, std::mt19937_64& rng) {
  batch.clear();
  auto& fields = static_cast<orc::StructVector&>(batch).fields;
  auto& id = static_cast<orc::LongVector&>(*fields[0]);
  auto& count = static_cast<orc::LongVector&>(*fields[1]);
  auto& category = static_cast<orc::LongVector&>(*fields[2]);
  auto& score = static_cast<orc::DoubleVector&>(*fields[3]);
  auto& text = static_cast<orc::BytesVector&>(*fields[4]);
  auto& city = static_cast<orc::BytesVector&>(*fields[5]);
  auto& when = static_cast<orc::TimestampVector&>(*fields[6]);
  auto& flag = static_cast<orc::LongVector&>(*fields[7]);
  auto& price = static_cast<orc::Decimal64Vector&>(*fields[8]);
  static const char* kCities[] = {"hangzhou", "beijing", "shanghai", "shenzhen", "guangzhou",
                                  "chengdu",  "wuhan",   "xian",     "nanjing",  "suzhou"};
  char buffer[32];
  for (std::size_t i = 0; i < rows; ++i) {
    const std::uint64_t r = rng();
    const auto row = static_cast<std::int64_t>(first + i);
    id.values.push_back(row * 7919 + static_cast<std::int64_t>(r % 1000));
    count.values.push_back(static_cast<std::int64_t>(r >> 40) % 100000);
    category.values.push_back(static_cast<std::int64_t>((r >> 20) % 50));
    score.values.push_back(static_cast<double>(r >> 11) * 0x1.0p-53);
    const int length = std::snprintf(buffer, sizeof(buffer), "user-%016llx", static_cast<unsigned long long>(rng()));
    text.bytes.insert(text.bytes.end(), buffer, buffer + length);
    text.offsets.push_back(static_cast<std::int64_t>(text.bytes.size()));
    const std::string_view name = kCities[(r >> 8) % 10];
    city.bytes.insert(city.bytes.end(), name.begin(), name.end());
    city.offsets.push_back(static_cast<std::int64_t>(city.bytes.size()));
    when.seconds.push_back(1'700'000'000 + row / 10);
    when.nanos.push_back(static_cast<std::int32_t>((r >> 3) % 1000) * 1'000'000);
    flag.values.push_back(static_cast<std::int64_t>(r & 1));
    price.values.push_back(static_cast<std::int64_t>((r >> 30) % 10'000'000));
  }
  for (auto& field : fields) field->num_rows = rows;
  batch.num_rows = rows;
}

struct Table {
  std::string label;
  std::size_t rows;
  // Writes the table's rows to the file at `path` with `codec`.
  std::function<void(const std::filesystem::path& path, orc::proto::CompressionKind codec)> write;
};

void write_wide_table(const std::filesystem::path& path, orc::proto::CompressionKind codec,
                      std::size_t rows) {
  const orc::Type schema = orc::Type::parse(
      "struct<id:bigint,count:int,category:int,score:double,text:string,"
      "city:string,ts:timestamp,flag:boolean,price:decimal(18,4)>");
  orc::Writer writer(path, schema, orc::WriterOptions().with_compression(codec));
  auto batch = orc::make_column_vector(schema);
  std::mt19937_64 rng(2024);
  for (std::size_t first = 0; first < rows; first += kBatchRows) {
    const std::size_t count = std::min(kBatchRows, rows - first);
    fill_wide_batch(*batch, first, count, rng);
    writer.add(*batch);
  }
  writer.close();
}

// `recis gen-data`'s sample data (seed 1) in one file, renamed to `path`.
void write_criteo_table(const std::filesystem::path& path, orc::proto::CompressionKind codec,
                        std::size_t rows) {
  const std::filesystem::path dir = path.parent_path() / (path.stem().string() + "-parts");
  datagen::CriteoOptions options;
  options.with_out_dir(dir).with_rows(rows).writer.with_compression(codec);
  std::filesystem::rename(datagen::generate_criteo(options).files.front(), path);
  std::filesystem::remove(dir);
}

// Rows decoded from every column of `path` in 8192-row batches.
std::uint64_t scan_rows(const std::filesystem::path& path) {
  auto reader = orc::Reader::open(path);
  auto batch = reader->make_batch();
  std::uint64_t rows = 0;
  while (const std::size_t read = reader->next(*batch, kScanBatchRows)) rows += read;
  return rows;
}

struct ScanResult {
  double rows_per_second;
  double file_mb_per_second;
  double file_mb;
  double write_rows_per_second;
};

ScanResult measure(const Table& table, orc::proto::CompressionKind codec, const std::filesystem::path& path,
                   int repeats) {
  const double write_seconds = best_seconds(1, [&] { table.write(path, codec); });
  std::uint64_t rows_read = 0;
  const double scan_seconds = best_seconds(repeats, [&] { rows_read = scan_rows(path); });
  if (rows_read != table.rows) {
    throw Error("orc-scan: read " + std::to_string(rows_read) + " rows of " + std::to_string(table.rows));
  }
  const double mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  return {static_cast<double>(table.rows) / scan_seconds, mb / scan_seconds, mb,
          static_cast<double>(table.rows) / write_seconds};
}

void read_bytes(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(path.string() + ": cannot open");
  std::vector<char> buffer(8 << 20);
  while (::read(fd, buffer.data(), buffer.size()) > 0) {
  }
  ::close(fd);
}

int scan_given_files(const Options& options) {
  nlohmann::json extra = nlohmann::json::object();
  double first_ours = 0, first_floor = 0;
  std::printf("%-28s %10s %8s %14s %16s %14s\n", "file", "rows", "MB", "scan Mrow/s",
              "whole process s", "read bytes s");
  for (const std::string& file : options.files) {
    std::uint64_t rows = 0;
    const double scan_s = best_seconds(options.repeats, [&] { rows = scan_rows(file); });
    const std::string command = shell_quoted(front_end_executable()) + " orc scan " +
                                shell_quoted(file) + " > /dev/null";
    const double process_s = best_seconds(options.repeats, [&] {
      if (std::system(command.c_str()) != 0) throw Error("orc-scan: failed: " + command);
    });
    const double floor_s = best_seconds(options.repeats, [&] { read_bytes(file); });
    const double mb = static_cast<double>(std::filesystem::file_size(file)) / 1e6;
    const double mrows = static_cast<double>(rows) / 1e6;
    std::printf("%-28s %10llu %8.1f %14.2f %16.3f %14.3f\n",
                std::filesystem::path(file).filename().c_str(), static_cast<unsigned long long>(rows),
                mb, mrows / scan_s, process_s, floor_s);
    extra[std::filesystem::path(file).filename().string()] = {
        {"rows", rows}, {"file_mb", mb}, {"scan_mrows_per_s", mrows / scan_s},
        {"whole_process_s", process_s}, {"read_bytes_s", floor_s}};
    if (first_ours == 0) {
      first_ours = mrows / scan_s;
      first_floor = mrows / floor_s;
    }
  }
  extra["baseline_source"] = "reading the first file's bytes (page cache), in this run";
  print_bench_result("orc-scan", first_ours, first_floor, "M rows/s (first file: scan vs read)", extra);
  return 0;
}

int run_orc_scan_bench(const std::vector<std::string>& args) {
  const Options options = parse_options(args);
  if (!options.files.empty()) return scan_given_files(options);
  const ScratchDir scratch("orc-scan");
  const std::filesystem::path& dir = scratch.path();

  const std::vector<Table> tables = {
      {"9-column", options.rows,
       [&](const std::filesystem::path& path, orc::proto::CompressionKind codec) {
         write_wide_table(path, codec, options.rows);
       }},
      {"criteo", options.criteo_rows,
       [&](const std::filesystem::path& path, orc::proto::CompressionKind codec) {
         write_criteo_table(path, codec, options.criteo_rows);
       }},
  };

  nlohmann::json extra = nlohmann::json::object();
  double ours_uncompressed = 0;
  std::printf("%-9s %-5s %10s %10s %12s %12s %14s\n", "table", "codec", "rows", "file MB",
              "scan Mrow/s", "scan MB/s", "Apache Mrow/s");
  for (const Table& table : tables) {
    for (int c = 0; c < 3; ++c) {
      const auto path = dir / (table.label + "-" + kCodecNames[c] + ".orc");
      const ScanResult result = measure(table, kCodecs[c], path, options.repeats);
      const bool wide = table.label == "9-column";
      char reference[32] = "-";
      if (wide) std::snprintf(reference, sizeof(reference), "%.1f", kReferenceRowsPerSecond[c] / 1e6);
      std::printf("%-9s %-5s %10zu %10.1f %12.2f %12.1f %14s   (write %.2f Mrow/s)\n",
                  table.label.c_str(), kCodecNames[c], table.rows, result.file_mb,
                  result.rows_per_second / 1e6, result.file_mb_per_second, reference,
                  result.write_rows_per_second / 1e6);
      std::fflush(stdout);
      const std::string key = table.label + "_" + kCodecNames[c];
      extra[key] = {{"scan_mrows_per_s", result.rows_per_second / 1e6},
                    {"scan_file_mb_per_s", result.file_mb_per_second},
                    {"file_mb", result.file_mb},
                    {"write_mrows_per_s", result.write_rows_per_second / 1e6}};
      if (wide) extra[key]["apache_reference_mrows_per_s"] = kReferenceRowsPerSecond[c] / 1e6;
      if (wide && c == 0) ours_uncompressed = result.rows_per_second / 1e6;
    }
  }
  extra["rows"] = options.rows;
  extra["criteo_rows"] = options.criteo_rows;
  extra["baseline_source"] =
      "published reference: Apache ORC C++ reader, 9-column table uncompressed, on these machines "
      "(not measured in this run)";
  print_bench_result("orc-scan", ours_uncompressed, kReferenceRowsPerSecond[0] / 1e6, "M rows/s", extra);
  return 0;
}

RECIS_REGISTER_BENCH("orc-scan",
                     "write ORC with our writer, scan with our reader (9-column and Criteo-like tables)",
                     run_orc_scan_bench);

}  // namespace
}  // namespace recis::bench

// `recis bench orc-write [--rows N] [--repeats N]`: `recis orc from-csv` on the schema of
// ../shared/orc-bench (bigint id and user_id, int qty and day, double price, a 1000-value
// dictionary string, a 16-hex-digit unique string, boolean, list<bigint> tags; 1M rows by
// default, generated here as CSV text in memory with that README's distributions), timed whole
// and in its two halves from the same text: parsing the CSV into column batches
// (orc::CsvBatchReader), then encoding and writing those batches (orc::Writer) uncompressed,
// zstd and zlib. Best of `repeats` each.
// Apache ORC has no copy on these machines; its C++ writer's published 2.8M rows/s on this
// schema (uncompressed) is the JSON baseline, marked as a published reference, not measured here.
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench_flags.h"
#include "bench_registry.h"
#include "recis/common/error.h"
#include "recis/orc/csv_to_orc.h"
#include "recis/orc/writer.h"
#include "scratch_dir.h"

namespace recis::bench {
namespace {

constexpr double kApacheWriterRowsPerSecond = 2.8e6;
constexpr std::size_t kBatchRows = 10000;
constexpr const char* kSchema =
    "struct<id:bigint,user_id:bigint,qty:int,price:double,category:string,uid:string,"
    "flag:boolean,day:int,tags:array<bigint>>";

std::string make_csv(std::size_t rows) {
  std::mt19937_64 rng(5);
  std::string text;
  text.reserve(rows * 80);
  char line[256];
  for (std::size_t row = 0; row < rows; ++row) {
    const auto day = 20200101 + static_cast<int>(rng() % 3) * 10000 +
                     static_cast<int>(rng() % 12) * 100 + static_cast<int>(rng() % 28);
    int length = std::snprintf(
        line, sizeof(line), "%zu,%llu,%llu,%.2f,cat_%04llu,%016llx,%s,%d,", row,
        static_cast<unsigned long long>(rng() % 1'000'000'000),
        static_cast<unsigned long long>(rng() % 10000), static_cast<double>(rng() % 100000) / 100,
        static_cast<unsigned long long>(rng() % 1000), static_cast<unsigned long long>(rng()),
        rng() % 10 < 3 ? "true" : "false", day);
    text.append(line, static_cast<std::size_t>(length));
    const auto tags = static_cast<int>(rng() % 5);
    for (int t = 0; t < tags; ++t) {
      length = std::snprintf(line, sizeof(line), "%s%llu", t ? ";" : "",
                             static_cast<unsigned long long>(rng() % 100000));
      text.append(line, static_cast<std::size_t>(length));
    }
    text.push_back('\n');
  }
  return text;
}

int run(const std::vector<std::string>& args) {
  std::size_t rows = 1'000'000;
  int repeats = 2;
  parse_bench_flags("orc-write", args,
                    {positive_integer_flag("--rows", &rows), positive_integer_flag("--repeats", &repeats)});
  const ScratchDir scratch("orc-write");
  const orc::Type schema = orc::Type::parse(kSchema);
  const std::string csv = make_csv(rows);

  std::vector<std::unique_ptr<orc::ColumnVector>> batches;
  const double parse_s = best_seconds(repeats, [&] {
    batches.clear();
    std::istringstream in(csv);
    orc::CsvBatchReader reader(in, "bench.csv", schema, false);
    while (true) {
      auto batch = orc::make_column_vector(schema);
      if (reader.next(*batch, kBatchRows) == 0) break;
      batches.push_back(std::move(batch));
    }
  });

  struct Codec {
    const char* name;
    orc::proto::CompressionKind kind;
    double encode_s = 0, whole_s = 0, mb = 0;
  };
  std::vector<Codec> codecs = {{"none", orc::proto::NONE}, {"zstd", orc::proto::ZSTD}, {"zlib", orc::proto::ZLIB}};
  for (Codec& codec : codecs) {
    const std::filesystem::path path = scratch.path() / (std::string(codec.name) + ".orc");
    const orc::WriterOptions options = orc::WriterOptions().with_compression(codec.kind);
    codec.encode_s = best_seconds(repeats, [&] {
      orc::Writer writer(path, schema, options);
      for (const auto& batch : batches) writer.add(*batch);
      writer.close();
    });
    codec.whole_s = best_seconds(repeats, [&] {
      std::istringstream in(csv);
      orc::CsvToOrcOptions whole;
      whole.writer = options;
      if (orc::csv_to_orc(in, "bench.csv", path, schema, whole) != rows) {
        throw Error("orc-write: from-csv wrote another row count");
      }
    });
    codec.mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  }

  const double n = static_cast<double>(rows);
  std::printf("%zu rows, CSV %.1f MB; parse into batches %.2f s (%.2f M rows/s)\n", rows,
              static_cast<double>(csv.size()) / 1e6, parse_s, n / parse_s / 1e6);
  std::printf("%-6s %10s %16s %16s %12s\n", "codec", "file MB", "encode M rows/s", "from-csv M rows/s",
              "Apache ref");
  nlohmann::json extra = {{"rows", rows}, {"parse_mrows_per_s", n / parse_s / 1e6}};
  for (const Codec& codec : codecs) {
    std::printf("%-6s %10.1f %16.2f %16.2f %12s\n", codec.name, codec.mb, n / codec.encode_s / 1e6,
                n / codec.whole_s / 1e6, codec.kind == orc::proto::NONE ? "2.8" : "-");
    extra[codec.name] = {{"file_mb", codec.mb},
                         {"encode_mrows_per_s", n / codec.encode_s / 1e6},
                         {"from_csv_mrows_per_s", n / codec.whole_s / 1e6}};
  }
  extra["baseline_note"] =
      "published reference: Apache ORC C++ writer on this schema uncompressed, not measured here";
  print_bench_result("orc-write", n / codecs[0].whole_s / 1e6, kApacheWriterRowsPerSecond / 1e6,
                     "M rows/s (from-csv, uncompressed)", extra);
  return 0;
}

RECIS_REGISTER_BENCH("orc-write", "recis orc from-csv rows/s: CSV parsing and ORC encoding apart, 3 codecs", run);

}  // namespace
}  // namespace recis::bench

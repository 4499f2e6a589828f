// `recis bench orc_read [--rows N] [--compression none|zlib|snappy|lz4|zstd] [--batch-size N]`:
// decode speed of orc::Reader on a 9-column table (bigint id (sequential), bigint user, int
// item, double price, float score, boolean clicked, string category (dictionary), string query
// (direct), date day) written by orc::Writer into a temp file. The baseline, measured in the same
// run, is the I/O floor: reading the same file's bytes without decoding. Prints rows per second
// of wall time and of thread CPU time (the fair figure on a shared machine; decoding is
// single-threaded); the JSON line uses CPU time.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <stdexcept>
#include <vector>

#include "bench_flags.h"
#include "bench_registry.h"
#include "recis/common/error.h"
#include "recis/orc/reader.h"
#include "recis/orc/writer.h"

namespace recis::bench {
namespace {

struct Options {
  std::size_t rows = 4'000'000;
  std::size_t batch_rows = 8192;
  orc::proto::CompressionKind compression = orc::proto::NONE;
};

Options parse_options(const std::vector<std::string>& args) {
  Options options;
  auto set_compression = [&options](const std::string& value) {
    std::string upper;
    for (char c : value) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!orc::proto::CompressionKind_Parse(upper, &options.compression)) {
      throw std::invalid_argument("expected none, zlib, snappy, lz4 or zstd");
    }
  };
  parse_bench_flags("orc_read", args,
                    {positive_integer_flag("--rows", &options.rows),
                     positive_integer_flag("--batch-size", &options.batch_rows),
                     {"--compression", set_compression}});
  return options;
}

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

struct Timing {
  double wall = 1e300;
  double cpu = 1e300;
};

// Best of `repeats` runs, wall and thread CPU time each.
Timing best_timing(int repeats, const std::function<void()>& fn) {
  Timing best;
  for (int i = 0; i < repeats; ++i) {
    const double cpu_start = thread_cpu_seconds();
    const double wall = best_seconds(1, fn);
    best.cpu = std::min(best.cpu, thread_cpu_seconds() - cpu_start);
    best.wall = std::min(best.wall, wall);
  }
  return best;
}

void write_table(const std::filesystem::path& path, const Options& options) {
  const orc::Type schema = orc::Type::parse(
      "struct<id:bigint,user:bigint,item:int,price:double,score:float,clicked:boolean,"
      "category:string,query:string,day:date>");
  orc::Writer writer(path, schema,
                     orc::WriterOptions().with_compression(options.compression));
  std::mt19937_64 rng(42);
  const std::vector<std::string> categories = {"books", "music", "garden", "toys", "games",
                                               "shoes", "food", "tools", "beauty", "sports",
                                               "auto", "baby", "home", "office", "pets", "video"};
  constexpr std::size_t kBatch = 65536;
  auto batch = orc::make_column_vector(schema);
  auto& root = static_cast<orc::StructVector&>(*batch);
  for (std::size_t done = 0; done < options.rows; done += kBatch) {
    const std::size_t n = std::min(kBatch, options.rows - done);
    batch->clear();
    root.num_rows = n;
    for (auto& field : root.fields) field->num_rows = n;
    auto& id = static_cast<orc::LongVector&>(*root.fields[0]).values;
    auto& user = static_cast<orc::LongVector&>(*root.fields[1]).values;
    auto& item = static_cast<orc::LongVector&>(*root.fields[2]).values;
    auto& price = static_cast<orc::DoubleVector&>(*root.fields[3]).values;
    auto& score = static_cast<orc::DoubleVector&>(*root.fields[4]).values;
    auto& clicked = static_cast<orc::LongVector&>(*root.fields[5]).values;
    auto& category = static_cast<orc::BytesVector&>(*root.fields[6]);
    auto& query = static_cast<orc::BytesVector&>(*root.fields[7]);
    auto& day = static_cast<orc::LongVector&>(*root.fields[8]).values;
    for (std::size_t i = 0; i < n; ++i) {
      id.push_back(static_cast<std::int64_t>(done + i));
      user.push_back(static_cast<std::int64_t>(rng() >> 24));
      item.push_back(static_cast<std::int64_t>(rng() % 1'000'000));
      price.push_back(static_cast<double>(rng() % 100000) / 100.0);
      score.push_back(static_cast<float>(rng() % 1000) / 1000.0f);
      clicked.push_back(static_cast<std::int64_t>(rng() % 10 == 0));
      const std::string& c = categories[rng() % categories.size()];
      category.bytes.insert(category.bytes.end(), c.begin(), c.end());
      category.offsets.push_back(static_cast<std::int64_t>(category.bytes.size()));
      const std::size_t length = 8 + rng() % 9;
      for (std::size_t k = 0; k < length; ++k) query.bytes.push_back(static_cast<char>('a' + rng() % 26));
      query.offsets.push_back(static_cast<std::int64_t>(query.bytes.size()));
      day.push_back(static_cast<std::int64_t>(19000 + rng() % 365));
    }
    writer.add(*batch);
  }
  writer.close();
}

int run_orc_read_bench(const std::vector<std::string>& args) {
  const Options options = parse_options(args);
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("recis-orc-read-bench-" + std::to_string(::getpid()) + ".orc");
  write_table(path, options);
  const auto file_bytes = std::filesystem::file_size(path);
  std::printf("table: %zu rows, 9 columns, %s, %.1f MB\n", options.rows,
              orc::compression_name(options.compression).data(), static_cast<double>(file_bytes) / 1e6);

  std::uint64_t checksum = 0;
  const Timing decode = best_timing(3, [&] {
    auto reader = orc::Reader::open(path);
    auto batch = reader->make_batch();
    while (const std::size_t n = reader->next(*batch, options.batch_rows)) {
      const auto& root = static_cast<const orc::StructVector&>(*batch);
      checksum += n + static_cast<std::uint64_t>(
                          static_cast<const orc::LongVector&>(*root.fields[0]).values[n - 1]);
    }
  });
  const Timing read = best_timing(3, [&] {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> buffer(1 << 20);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
      checksum += static_cast<unsigned char>(buffer[0]);
    }
  });
  std::filesystem::remove(path);

  const auto rows = static_cast<double>(options.rows);
  const double ours = rows / decode.cpu / 1e6;
  const double baseline = rows / read.cpu / 1e6;
  std::printf("%-24s %8.1f M rows/s CPU  %8.1f M rows/s wall  (batch %zu)\n", "orc::Reader decode",
              ours, rows / decode.wall / 1e6, options.batch_rows);
  std::printf("%-24s %8.1f M rows/s CPU  %8.1f M rows/s wall\n", "file read (I/O floor)",
              baseline, rows / read.wall / 1e6);
  print_bench_result("orc_read", ours, baseline, "M rows/s (thread CPU time)",
                     {{"rows", options.rows},
                      {"columns", 9},
                      {"compression", std::string(orc::compression_name(options.compression))},
                      {"file_mb", static_cast<double>(file_bytes) / 1e6},
                      {"ours_wall", rows / decode.wall / 1e6},
                      {"baseline_wall", rows / read.wall / 1e6},
                      {"baseline_is", "reading the file bytes without decoding"},
                      {"checksum", checksum % 1000}});
  return 0;
}

RECIS_REGISTER_BENCH("orc_read", "orc::Reader rows/s on a 9-column table vs the file-read floor",
                     run_orc_read_bench);

}  // namespace
}  // namespace recis::bench

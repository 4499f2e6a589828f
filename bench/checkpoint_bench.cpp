// `recis bench checkpoint [--rows N] [--dim D] [--threads T]`: saves and loads one embedding
// table (default 10M rows of dim 16 with Adam's two slots, as issue 9 sizes it) through the real
// checkpoint path — rows file written in parallel chunks with CRCs, manifest, fsync, rename; then
// loaded into a fresh table with the checksum verified — against the raw speed of the same disk
// measured in the same run: the same number of bytes written sequentially with write() + fsync,
// and read back with read(). Reads start cold for both (posix_fadvise DONTNEED after fsync).
// The load runs twice: with row memory fresh from the kernel (the figure that counts) and again
// with the memory the first load freed, which separates the cost of first-touching new pages
// (large on virtual machines) from ours.
// It also reports the CRC-32C speed, SSE4.2 vs the portable table loop, over 256 MB.
// The closing JSON line reports save MB/s vs raw write MB/s; load vs raw read is in "results".
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <numeric>
#include <vector>

#include "bench_flags.h"
#include "bench_registry.h"
#include "recis/common/error.h"
#include "recis/common/thread_pool.h"
#include "recis/common/threads.h"
#include "recis/embedding/core/table_core.h"
#include "recis/serialize/core/checkpoint_dir.h"
#include "recis/serialize/core/checkpoint_files.h"
#include "recis/serialize/core/crc32c.h"
#include "recis/serialize/core/table_rows.h"
#include "scratch_dir.h"

namespace recis::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void drop_cache(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

// Writes `bytes` bytes sequentially in 8 MiB write() calls, then fsyncs; returns seconds.
double raw_write(const std::filesystem::path& path, uint64_t bytes) {
  std::vector<char> buffer(8 << 20);
  std::iota(buffer.begin(), buffer.end(), 0);
  const Clock::time_point start = Clock::now();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(path.string() + ": cannot create");
  for (uint64_t done = 0; done < bytes;) {
    const auto chunk = static_cast<std::size_t>(std::min<uint64_t>(buffer.size(), bytes - done));
    const ssize_t written = ::write(fd, buffer.data(), chunk);
    if (written <= 0) {
      ::close(fd);
      throw IoError(path.string() + ": write failed");
    }
    done += static_cast<uint64_t>(written);
  }
  ::fsync(fd);
  ::close(fd);
  return seconds_since(start);
}

double raw_read(const std::filesystem::path& path) {
  std::vector<char> buffer(8 << 20);
  const Clock::time_point start = Clock::now();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(path.string() + ": cannot open");
  while (::read(fd, buffer.data(), buffer.size()) > 0) {
  }
  ::close(fd);
  return seconds_since(start);
}

// GB/s of one CRC pass over `bytes` (after a warm-up pass); `crc` receives the checksum.
template <typename Extend>
double crc_gb_per_s(Extend extend, const std::vector<std::byte>& bytes, uint32_t& crc) {
  extend(0, bytes.data(), bytes.size());
  const Clock::time_point start = Clock::now();
  crc = extend(0, bytes.data(), bytes.size());
  return static_cast<double>(bytes.size()) / seconds_since(start) / 1e9;
}

int run(const std::vector<std::string>& args) {
  std::size_t rows = 10'000'000;
  std::size_t dim = 16;
  std::size_t threads = configured_threads();
  parse_bench_flags("checkpoint", args,
                    {positive_integer_flag("--rows", &rows), positive_integer_flag("--dim", &dim),
                     positive_integer_flag("--threads", &threads)});
  ThreadPool pool(threads);
  ScratchDir scratch("checkpoint");

  embedding::TableOptions options;
  options.dim = dim;
  options.slots = {{"adam_m", dim}, {"adam_v", dim}};
  options.initializer.kind = embedding::InitKind::Normal;
  options.initializer.stddev = 0.01;
  embedding::TableCore table(options);
  const Clock::time_point fill_start = Clock::now();
  constexpr std::size_t kBatch = 1 << 20;
  const std::size_t batches = (rows + kBatch - 1) / kBatch;
  pool.parallel_for(batches, 1, [&](std::size_t first, std::size_t last) {
    std::vector<int64_t> ids, out;
    for (std::size_t b = first; b < last; ++b) {
      const std::size_t begin = b * kBatch, end = std::min(rows, begin + kBatch);
      ids.resize(end - begin);
      out.resize(end - begin);
      // Scattered 63-bit ids, as hashed features give.
      for (std::size_t i = begin; i < end; ++i) {
        ids[i - begin] = static_cast<int64_t>((i * 0x9E3779B97F4A7C15ULL) >> 1);
      }
      table.lookup(ids, 1, out);
    }
  });
  std::printf("filled %zu rows of dim %zu with 2 slots in %.1f s\n", rows, dim,
              seconds_since(fill_start));

  const std::filesystem::path output = scratch.path() / "out";
  const Clock::time_point save_start = Clock::now();
  std::filesystem::path saved;
  {
    serialize::CheckpointStaging staging(output, 1);
    const serialize::ChildRows all = serialize::live_rows_by_child(table, 1, pool)[0];
    const std::string relative = "sparse/table.safetensors";
    staging.add(relative, serialize::write_rows_file(table, all, false, {"table", "table"}, {},
                                                     staging.path_for(relative), pool));
    saved = staging.commit(1);
  }
  const double save_s = seconds_since(save_start);
  const std::filesystem::path file = saved / "sparse/table.safetensors";
  const uint64_t bytes = std::filesystem::file_size(file);

  // Each load starts from a cold file. The first gets its row memory fresh from the kernel, as a
  // process that loads a checkpoint at start does; the second gets the memory the first freed.
  auto load = [&] {
    drop_cache(file);
    const Clock::time_point load_start = Clock::now();
    const serialize::Manifest manifest = serialize::read_manifest(saved);
    embedding::TableCore loaded(options);
    const serialize::SafeTensorsReader reader(file);
    serialize::load_rows_file(loaded, reader, -1, pool);
    serialize::check_read_digest(reader, manifest, saved, "sparse/table.safetensors");
    if (loaded.stats().rows != rows) throw Error("bench checkpoint: loaded a different row count");
    return seconds_since(load_start);
  };
  const double load_s = load();
  const double load_again_s = load();

  const std::filesystem::path raw = scratch.path() / "raw.bin";
  const double raw_write_s = raw_write(raw, bytes);
  drop_cache(raw);
  const double raw_read_s = raw_read(raw);

  std::vector<std::byte> crc_input(256u << 20);
  for (std::size_t i = 0; i < crc_input.size(); ++i) {
    crc_input[i] = static_cast<std::byte>((i * 2654435761u) >> 13);
  }
  uint32_t portable_crc = 0, hardware_crc = 0;
  const double portable_gb_s =
      crc_gb_per_s(serialize::crc32c_extend_portable, crc_input, portable_crc);
  const double hardware_gb_s = serialize::crc32c_hardware_available()
                                   ? crc_gb_per_s(serialize::crc32c_extend_hardware, crc_input,
                                                  hardware_crc)
                                   : 0.0;
  if (hardware_gb_s > 0 && hardware_crc != portable_crc) {
    throw Error("bench checkpoint: the SSE4.2 and portable CRC-32C disagree");
  }

  const double mb = static_cast<double>(bytes) / 1e6;
  std::printf("%-22s %10s %10s\n", "", "MB/s", "seconds");
  std::printf("%-22s %10.0f %10.2f\n", "save (ours)", mb / save_s, save_s);
  std::printf("%-22s %10.0f %10.2f\n", "raw write + fsync", mb / raw_write_s, raw_write_s);
  std::printf("%-22s %10.0f %10.2f\n", "load (ours, verified)", mb / load_s, load_s);
  std::printf("%-22s %10.0f %10.2f\n", "  again, reused memory", mb / load_again_s, load_again_s);
  std::printf("%-22s %10.0f %10.2f\n", "raw read", mb / raw_read_s, raw_read_s);
  std::printf("crc32c: %.1f GB/s with SSE4.2, %.1f GB/s portable\n", hardware_gb_s, portable_gb_s);
  const nlohmann::json results = {
      {"rows", rows},
      {"dim", dim},
      {"threads", threads},
      {"bytes", bytes},
      {"save_mb_s", mb / save_s},
      {"raw_write_mb_s", mb / raw_write_s},
      {"load_mb_s", mb / load_s},
      {"raw_read_mb_s", mb / raw_read_s},
      {"load_ratio", raw_read_s / load_s},
      {"load_again_mb_s", mb / load_again_s},
      {"load_again_ratio", raw_read_s / load_again_s},
      {"crc32c_sse42_gb_s", hardware_gb_s},
      {"crc32c_portable_gb_s", portable_gb_s},
  };
  print_bench_result("checkpoint", mb / save_s, mb / raw_write_s, "MB/s (save vs raw write)",
                     {{"results", results}});
  return 0;
}

RECIS_REGISTER_BENCH("checkpoint",
                     "embedding table save/load MB/s vs raw disk write/read of the same bytes",
                     run);

}  // namespace
}  // namespace recis::bench

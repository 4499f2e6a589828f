// Throughput of the checkpoint file layer, printed for the record and never asserted (the
// `recis bench checkpoint` benchmark measures the whole save). Disabled by default; run with
//   test_serialize_core --gtest_also_run_disabled_tests --gtest_filter='*Speed*'
// Each check still asserts that the fast path computed the same result as its baseline.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <thread>

#include "recis/serialize/core/crc32c.h"
#include "recis/serialize/core/file_util.h"
#include "recis/serialize/core/safetensors.h"
#include "support/test_support.h"

namespace recis::serialize {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<std::byte> random_bytes(std::size_t size) {
  std::vector<std::byte> bytes(size);
  std::mt19937_64 rng(1);
  for (std::size_t i = 0; i + 8 <= size; i += 8) {
    const uint64_t word = rng();
    std::memcpy(bytes.data() + i, &word, 8);
  }
  return bytes;
}

TEST(SerializeSpeed, DISABLED_Crc32cHardwareVsPortable) {
  const auto bytes = random_bytes(256 << 20);
  const auto measure = [&](auto extend, const char* name) {
    extend(0, bytes.data(), bytes.size());  // warm the pages and caches
    const auto start = Clock::now();
    const uint32_t crc = extend(0, bytes.data(), bytes.size());
    const double gbps = bytes.size() / seconds_since(start) / 1e9;
    std::printf("crc32c %-9s %6.2f GB/s\n", name, gbps);
    return crc;
  };
  const uint32_t portable = measure(crc32c_extend_portable, "portable");
  if (!crc32c_hardware_available()) GTEST_SKIP() << "this CPU has no SSE4.2";
  EXPECT_EQ(measure(crc32c_extend_hardware, "sse4.2"), portable);
}

TEST(SerializeSpeed, DISABLED_WriterWithTwoThreadsVsSequentialWrite) {
  recis::testing::TempDir dir;
  const std::size_t bytes_total = 512u << 20, row_bytes = 64;
  const auto bytes = random_bytes(bytes_total);

  const std::size_t chunk = 8 << 20;
  // Each contender writes a new file twice, alternating, and its faster run counts: the disk's
  // speed drifts between runs.
  const auto plain_write_seconds = [&](const std::string& name) {
    const auto start = Clock::now();
    FileDescriptor file(dir / name, O_WRONLY | O_CREAT | O_TRUNC);
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
      const std::size_t n = std::min(chunk, bytes.size() - at);
      if (::write(file.get(), bytes.data() + at, n) != static_cast<ssize_t>(n)) ADD_FAILURE();
    }
    file.sync();
    return seconds_since(start);
  };
  FileDigest digest;
  const auto writer_seconds = [&](const std::string& name) {
    const auto start = Clock::now();
    SafeTensorsWriter writer(dir / name,
                             {{"rows", DType::F32, {int64_t(bytes_total / row_bytes), 16}}});
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        for (std::size_t at = t * chunk; at < bytes.size(); at += 2 * chunk) {
          writer.write(0, at, std::span(bytes).subspan(at, std::min(chunk, bytes.size() - at)));
        }
      });
    }
    for (auto& thread : threads) thread.join();
    digest = writer.finish();
    return seconds_since(start);
  };
  const double plain_first = plain_write_seconds("plain1.bin");
  const double writer_first = writer_seconds("t1.safetensors");
  const double plain_s = std::min(plain_first, plain_write_seconds("plain2.bin"));
  const double writer_s = std::min(writer_first, writer_seconds("t.safetensors"));

  auto start = Clock::now();
  const FileDigest cold = digest_file(dir / "t.safetensors");
  const double cold_s = seconds_since(start);

  // First touches of fresh memory are slow on some VMs (about 1 s per 512 MB here, even after a
  // memset): one untimed pass warms the destination.
  std::vector<std::byte> buffer(bytes.size());
  {
    SafeTensorsReader warm(dir / "t.safetensors");
    for (std::size_t at = 0; at < buffer.size(); at += chunk) {
      warm.read(0, at, std::span(buffer).subspan(at, std::min(chunk, buffer.size() - at)));
    }
  }
  start = Clock::now();
  SafeTensorsReader reader(dir / "t.safetensors");
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t at = t * chunk; at < buffer.size(); at += 2 * chunk) {
        reader.read(0, at, std::span(buffer).subspan(at, std::min(chunk, buffer.size() - at)));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const FileDigest read_digest = reader.digest_of_reads();
  const double reader_s = seconds_since(start);

  start = Clock::now();
  const FileDigest streamed = digest_file(dir / "t.safetensors");
  const double digest_file_s = seconds_since(start);

  const double mb = bytes_total / 1e6;
  std::printf("plain write()+fsync        %7.0f MB/s\n", mb / plain_s);
  std::printf("SafeTensorsWriter 2 thr    %7.0f MB/s (%.2fx plain; pwrite + CRC + fsync)\n",
              mb / writer_s, plain_s / writer_s);
  std::printf("digest_file after the save  %7.0f MB/s\n", mb / cold_s);
  std::printf("SafeTensorsReader 2 thr    %7.0f MB/s (page cache; pread + CRC)\n", mb / reader_s);
  std::printf("digest_file                %7.0f MB/s (page cache)\n", mb / digest_file_s);
  EXPECT_EQ(read_digest.crc32c, digest.crc32c);
  EXPECT_EQ(streamed.crc32c, digest.crc32c);
  EXPECT_EQ(cold.crc32c, digest.crc32c);
  EXPECT_EQ(buffer, bytes);
}

}  // namespace
}  // namespace recis::serialize

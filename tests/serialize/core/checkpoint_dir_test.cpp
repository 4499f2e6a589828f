#include "recis/serialize/core/checkpoint_dir.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "recis/common/error.h"
#include "recis/serialize/core/crc32c.h"
#include "support/test_support.h"

namespace recis::serialize {
namespace {

namespace fs = std::filesystem;
using recis::testing::read_file;
using recis::testing::TempDir;

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A checkpoint of one SafeTensors file and one JSON file, contents derived from the step.
fs::path save(const fs::path& output, int64_t step, std::size_t keep) {
  CheckpointStaging staging(output, step);
  std::vector<float> values(1000);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(step * 1000 + i);
  SafeTensorsWriter writer(staging.path_for("sparse/t.safetensors"),
                           {{"values", DType::F32, {1000}}});
  writer.write(0, 0, std::as_bytes(std::span(values)));
  staging.add("sparse/t.safetensors", writer.finish());
  staging.write_file("trainer.json", "{\"step\": " + std::to_string(step) + "}\n");
  return staging.commit(keep);
}

std::vector<std::string> names(const std::vector<fs::path>& paths) {
  std::vector<std::string> result;
  for (const auto& path : paths) result.push_back(path.filename().string());
  return result;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(CheckpointDir, CommitMakesTheDirectoryManifestAndLatest) {
  TempDir tmp;
  const fs::path output = tmp / "out";
  const fs::path dir = save(output, 1200, 0);
  EXPECT_EQ(dir, output / "ckpt-1200");
  EXPECT_EQ(read_file(output / "latest"), "ckpt-1200\n");
  EXPECT_TRUE(fs::is_regular_file(dir / "sparse/t.safetensors"));
  EXPECT_EQ(read_file(dir / "trainer.json"), "{\"step\": 1200}\n");

  const auto json = nlohmann::json::parse(read_file(dir / "manifest.json"));
  EXPECT_EQ(json["format"], "recis-checkpoint");
  EXPECT_EQ(json["version"], 1);
  EXPECT_EQ(json["step"], 1200);
  ASSERT_EQ(json["files"].size(), 2u);
  EXPECT_EQ(json["files"][0]["path"], "sparse/t.safetensors");
  EXPECT_EQ(json["files"][1]["path"], "trainer.json");
  const std::string trainer = read_file(dir / "trainer.json");
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", crc32c(trainer.data(), trainer.size()));
  EXPECT_EQ(json["files"][1]["bytes"], trainer.size());
  EXPECT_EQ(json["files"][1]["crc32c"], hex);

  const Manifest manifest = read_manifest(dir);
  EXPECT_EQ(manifest.version, kCheckpointFormatVersion);
  EXPECT_EQ(manifest.step, 1200);
  ASSERT_EQ(manifest.files.size(), 2u);
  const FileDigest digest = digest_file(dir / "sparse/t.safetensors");
  EXPECT_EQ(manifest.files[0].bytes, digest.bytes);
  EXPECT_EQ(manifest.files[0].crc32c, digest.crc32c);
  EXPECT_NO_THROW(verify_checkpoint(dir));
  EXPECT_EQ(manifest_entry(manifest, "trainer.json", dir).bytes, trainer.size());

  // Nothing but the checkpoint and the pointer is left in OUTPUT.
  std::vector<std::string> entries;
  for (const auto& entry : fs::directory_iterator(output))
    entries.push_back(entry.path().filename());
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(entries, (std::vector<std::string>{"ckpt-1200", "latest"}));
}

TEST(CheckpointDir, CreatesNestedOutputDirectories) {
  TempDir tmp;
  const fs::path dir = save(tmp / "a" / "b" / "out/", 3, 0);
  EXPECT_NO_THROW(verify_checkpoint(dir));
  EXPECT_EQ(latest_checkpoint(tmp / "a" / "b" / "out"), tmp / "a" / "b" / "out" / "ckpt-3");
}

TEST(CheckpointDir, StagingIsRemovedWithoutCommit) {
  TempDir tmp;
  fs::path staging_dir;
  {
    CheckpointStaging staging(tmp / "out", 3);
    staging_dir = staging.dir();
    staging.write_file("a.json", "{}");
    EXPECT_TRUE(fs::exists(staging_dir));
    EXPECT_EQ(staging_dir.filename().string(), ".ckpt-3.tmp-" + std::to_string(::getpid()));
  }
  EXPECT_FALSE(fs::exists(staging_dir));
  EXPECT_TRUE(list_checkpoints(tmp / "out").empty());
  EXPECT_EQ(latest_checkpoint(tmp / "out"), std::nullopt);
}

TEST(CheckpointDir, KeepPrunesTheOldestOnlyAfterTheNewOneIsComplete) {
  TempDir tmp;
  const fs::path output = tmp / "out";
  for (int64_t step = 1; step <= 3; ++step) save(output, step * 10, 2);
  EXPECT_EQ(names(list_checkpoints(output)), (std::vector<std::string>{"ckpt-20", "ckpt-30"}));
  {
    // A save that fails before its commit leaves both kept checkpoints.
    CheckpointStaging staging(output, 40);
    staging.write_file("trainer.json", "{}");
    write_bytes(staging.path_for("stray.bin"), "not recorded");
    const std::string message = error_of([&] { staging.commit(2); });
    EXPECT_NE(message.find("stray.bin: written into the checkpoint but not recorded"),
              std::string::npos)
        << message;
    EXPECT_EQ(names(list_checkpoints(output)), (std::vector<std::string>{"ckpt-20", "ckpt-30"}));
  }
  EXPECT_EQ(read_file(output / "latest"), "ckpt-30\n");
  save(output, 40, 2);
  EXPECT_EQ(names(list_checkpoints(output)), (std::vector<std::string>{"ckpt-30", "ckpt-40"}));
  save(output, 50, 0);
  EXPECT_EQ(names(list_checkpoints(output)),
            (std::vector<std::string>{"ckpt-30", "ckpt-40", "ckpt-50"}));
  save(output, 60, 1);
  EXPECT_EQ(names(list_checkpoints(output)), (std::vector<std::string>{"ckpt-60"}));
  // A save of an older step than the newest keeps itself and the newest others.
  save(output, 70, 0);
  save(output, 65, 2);
  EXPECT_EQ(names(list_checkpoints(output)), (std::vector<std::string>{"ckpt-65", "ckpt-70"}));
  EXPECT_EQ(read_file(output / "latest"), "ckpt-65\n");
}

TEST(CheckpointDir, ReplacesAnExistingCheckpointOfTheSameStep) {
  TempDir tmp;
  const fs::path output = tmp / "out";
  save(output, 5, 0);
  CheckpointStaging staging(output, 5);
  staging.write_file("other.json", "[1]");
  staging.commit(0);
  EXPECT_FALSE(fs::exists(output / "ckpt-5" / "trainer.json"));
  EXPECT_EQ(read_file(output / "ckpt-5" / "other.json"), "[1]");
  EXPECT_NO_THROW(verify_checkpoint(output / "ckpt-5"));
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(output)) ++entries;
  EXPECT_EQ(entries, 2u) << "ckpt-5 and latest only";
}

TEST(CheckpointDir, StaleStagingDirsAreCleaned) {
  TempDir tmp;
  const fs::path output = tmp / "out";
  // A PID that is certainly dead: a child that exited and was reaped.
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ASSERT_GT(dead, 0);
  ::waitpid(dead, nullptr, 0);
  fs::create_directories(output / (".ckpt-7.tmp-" + std::to_string(dead)) / "sparse");
  write_bytes(output / (".ckpt-7.tmp-" + std::to_string(dead)) / "sparse" / "x", "partial");
  fs::create_directories(output / (".ckpt-2.trash-" + std::to_string(dead)));
  // A staging dir of a live process (this one's parent) is left alone.
  const std::string live = ".ckpt-8.tmp-" + std::to_string(::getppid());
  fs::create_directories(output / live);
  // A stale staging dir of the same name as a new save is replaced.
  const fs::path same = output / (".ckpt-9.tmp-" + std::to_string(::getpid()));
  fs::create_directories(same);
  write_bytes(same / "leftover.bin", "old");
  save(output, 9, 0);
  EXPECT_FALSE(fs::exists(output / (".ckpt-7.tmp-" + std::to_string(dead))));
  EXPECT_FALSE(fs::exists(output / (".ckpt-2.trash-" + std::to_string(dead))));
  EXPECT_TRUE(fs::exists(output / live));
  EXPECT_FALSE(fs::exists(output / "ckpt-9" / "leftover.bin"));
  EXPECT_NO_THROW(verify_checkpoint(output / "ckpt-9"));
}

TEST(CheckpointDir, ListAndLatest) {
  TempDir tmp;
  const fs::path output = tmp / "out";
  EXPECT_TRUE(list_checkpoints(output).empty());
  EXPECT_EQ(latest_checkpoint(output), std::nullopt);
  save(output, 100, 0);
  save(output, 9, 0);
  save(output, 20, 0);
  // Not checkpoints: no manifest, a zero-padded name, a file.
  fs::create_directories(output / "ckpt-500");
  fs::create_directories(output / "ckpt-0300");
  write_bytes(output / "ckpt-0300" / "manifest.json", "{}");
  write_bytes(output / "ckpt-400", "file");
  EXPECT_EQ(names(list_checkpoints(output)),
            (std::vector<std::string>{"ckpt-9", "ckpt-20", "ckpt-100"}));
  EXPECT_EQ(latest_checkpoint(output), output / "ckpt-20");  // `latest` wins over the newest

  fs::remove(output / "latest");
  EXPECT_EQ(latest_checkpoint(output), output / "ckpt-100");
  write_bytes(output / "latest", "ckpt-500\n");  // incomplete
  EXPECT_EQ(latest_checkpoint(output), output / "ckpt-100");
  write_bytes(output / "latest", "../../etc\n");
  EXPECT_EQ(latest_checkpoint(output), output / "ckpt-100");
  write_bytes(output / "latest", "ckpt-9");  // no newline is fine
  EXPECT_EQ(latest_checkpoint(output), output / "ckpt-9");
}

TEST(CheckpointDir, PathForRefusesPathsOutsideTheCheckpoint) {
  TempDir tmp;
  CheckpointStaging staging(tmp / "out", 1);
  for (const std::string bad :
       {"", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/.", "manifest.json", "a\\b"}) {
    EXPECT_THROW(staging.path_for(bad), Error) << bad;
    EXPECT_THROW(staging.add(bad, {}), Error) << bad;
  }
  EXPECT_EQ(staging.path_for("dense/model.safetensors"), staging.dir() / "dense/model.safetensors");
  EXPECT_TRUE(fs::is_directory(staging.dir() / "dense"));
  staging.add("x.json", {0, 0});
  EXPECT_THROW(staging.add("x.json", {0, 0}), Error);
  EXPECT_THROW(CheckpointStaging(tmp / "out", -1), Error);
}

TEST(CheckpointDir, CommitRefusesARecordedFileWithTheWrongSizeOrMissing) {
  TempDir tmp;
  {
    CheckpointStaging staging(tmp / "out", 1);
    write_bytes(staging.path_for("a.bin"), "1234");
    staging.add("a.bin", {5, 0});
    const std::string message = error_of([&] { staging.commit(0); });
    EXPECT_NE(message.find("a.bin: 4 bytes, recorded as 5"), std::string::npos) << message;
  }
  {
    CheckpointStaging staging(tmp / "out", 1);
    staging.add("b.bin", {5, 0});
    EXPECT_NE(error_of([&] { staging.commit(0); }).find("b.bin"), std::string::npos);
  }
  EXPECT_TRUE(list_checkpoints(tmp / "out").empty());
}

class CheckpointDamage : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = save(tmp_ / "out", 1, 0); }
  std::string verify_error() {
    return error_of([&] { verify_checkpoint(dir_); });
  }
  TempDir tmp_;
  fs::path dir_;
};

TEST_F(CheckpointDamage, BitFlipIsCaught) {
  std::string bytes = read_file(dir_ / "sparse/t.safetensors");
  bytes[bytes.size() / 2] ^= 0x01;
  write_bytes(dir_ / "sparse/t.safetensors", bytes);
  const std::string message = verify_error();
  EXPECT_EQ(message.rfind((dir_ / "sparse/t.safetensors").string(), 0), 0u) << message;
  EXPECT_NE(message.find("manifest says"), std::string::npos) << message;
  EXPECT_NE(message.find("corrupt"), std::string::npos) << message;
}

TEST_F(CheckpointDamage, TruncationIsCaught) {
  const std::string bytes = read_file(dir_ / "sparse/t.safetensors");
  write_bytes(dir_ / "sparse/t.safetensors", bytes.substr(0, 1234));
  EXPECT_EQ(verify_error(), (dir_ / "sparse/t.safetensors").string() +
                                ": 1234 bytes, manifest says " + std::to_string(bytes.size()) +
                                " (truncated or replaced)");
  const Manifest manifest = read_manifest(dir_);
  const std::string message =
      error_of([&] { manifest_entry(manifest, "sparse/t.safetensors", dir_); });
  EXPECT_NE(message.find("t.safetensors: 1234 bytes, manifest says"), std::string::npos) << message;
}

TEST_F(CheckpointDamage, MissingFileIsCaught) {
  fs::remove(dir_ / "trainer.json");
  const std::string message = verify_error();
  EXPECT_NE(message.find((dir_ / "trainer.json").string() + ": missing"), std::string::npos)
      << message;
  const Manifest manifest = read_manifest(dir_);
  EXPECT_NE(error_of([&] { manifest_entry(manifest, "trainer.json", dir_); }).find("trainer.json"),
            std::string::npos);
  EXPECT_NE(error_of([&] { manifest_entry(manifest, "io.json", dir_); }).find("not listed"),
            std::string::npos);
}

TEST_F(CheckpointDamage, BadManifestsAreRefusedNamingTheManifest) {
  const fs::path manifest = dir_ / "manifest.json";
  const std::string good = read_file(manifest);
  const auto refused = [&](const std::string& text, const std::string& what) {
    write_bytes(manifest, text);
    const std::string message = verify_error();
    EXPECT_EQ(message.rfind(manifest.string(), 0), 0u) << message;
    EXPECT_NE(message.find(what), std::string::npos) << message;
  };
  refused(good.substr(0, good.size() / 2), "not valid JSON");
  refused("[]", "expected a JSON object");
  refused(R"({"format":"other","version":1,"step":1,"files":[]})", "recis-checkpoint");
  refused(R"({"format":"recis-checkpoint","version":2,"step":1,"files":[]})",
          "format version 2, this build reads version 1");
  refused(R"({"format":"recis-checkpoint","version":1,"step":-1,"files":[]})", "step");
  refused(R"({"format":"recis-checkpoint","version":1,"step":1})", "files array");
  refused(R"({"format":"recis-checkpoint","version":1,"step":1,"files":[{"path":"a","bytes":1}]})",
          "crc32c");
  refused(R"({"format":"recis-checkpoint","version":1,"step":1,)"
          R"("files":[{"path":"a","bytes":1,"crc32c":"xyz"}]})",
          "8 hex digits");
  refused(R"({"format":"recis-checkpoint","version":1,"step":1,)"
          R"("files":[{"path":"a","bytes":1,"crc32c":"00000000"},)"
          R"({"path":"a","bytes":1,"crc32c":"00000000"}]})",
          "'a' twice");
  write_bytes(manifest, R"({"format":"recis-checkpoint","version":1,"step":1,)"
                        R"("files":[{"path":"../../x","bytes":1,"crc32c":"00000000"}]})");
  EXPECT_NE(verify_error().find("'../../x'"), std::string::npos);
  fs::remove(manifest);
  EXPECT_NE(verify_error().find(manifest.string()), std::string::npos);
}

// Found by checkpoint_manifest_fuzzer: a files list nesting a million arrays overflowed the stack
// when the error message printed it.
TEST_F(CheckpointDamage, DeeplyNestedManifestIsRefusedWithoutOverflowingTheStack) {
  const std::size_t depth = 1'000'000;
  write_bytes(dir_ / "manifest.json",
              R"({"format":"recis-checkpoint","version":1,"step":1,"files":)" +
                  std::string(depth, '[') + std::string(depth, ']') + "}");
  const std::string message = verify_error();
  EXPECT_EQ(message, (dir_ / "manifest.json").string() + " nests deeper than 16 levels");
}

// A key listed twice in one object used to collapse silently into the last one.
TEST_F(CheckpointDamage, ManifestListingAKeyTwiceIsRefused) {
  write_bytes(dir_ / "manifest.json",
              R"({"format":"recis-checkpoint","version":1,"step":1,"step":2,"files":[]})");
  const std::string message = verify_error();
  EXPECT_EQ(message.rfind((dir_ / "manifest.json").string(), 0), 0u) << message;
  EXPECT_NE(message.find("lists 'step' twice"), std::string::npos) << message;
}

// parse_manifest is read_manifest's parser, on bytes (the fuzzer's entry point).
TEST(CheckpointDir, ParseManifestReadsTheBytesReadManifestReads) {
  TempDir tmp;
  const fs::path dir = save(tmp / "out", 7, 0);
  const Manifest parsed = parse_manifest(read_file(dir / "manifest.json"), dir);
  const Manifest read = read_manifest(dir);
  EXPECT_EQ(parsed.step, 7);
  ASSERT_EQ(parsed.files.size(), read.files.size());
  for (std::size_t i = 0; i < parsed.files.size(); ++i) {
    EXPECT_EQ(parsed.files[i].path, read.files[i].path);
    EXPECT_EQ(parsed.files[i].bytes, read.files[i].bytes);
    EXPECT_EQ(parsed.files[i].crc32c, read.files[i].crc32c);
  }
  const std::string message = error_of([&] { parse_manifest("{", "some/ckpt-3"); });
  EXPECT_EQ(message.rfind("some/ckpt-3/manifest.json is not valid JSON", 0), 0u) << message;
}

}  // namespace
}  // namespace recis::serialize

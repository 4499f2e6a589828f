// fuzz_seed_writer OUT: writes the seed corpus of every serialize fuzzer, one folder per target,
//   OUT/safetensors_reader_fuzzer/   SafeTensors files (empty, every dtype, metadata, rows files)
//   OUT/rows_file_fuzzer/            rows files of F32/BF16 tables, with and without optimizer
//                                    slots, a delta with evicted ids, an empty table
//   OUT/checkpoint_manifest_fuzzer/  manifest.json files of real checkpoint saves
// with the writers the library itself uses, so seeds follow the formats as they change. Run by
// `make fuzz` before the fuzzers; single-threaded tool.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "recis/common/thread_pool.h"
#include "recis/serialize/core/checkpoint_dir.h"
#include "recis/serialize/core/table_rows.h"

namespace {

namespace fs = std::filesystem;
using namespace recis::serialize;
using recis::embedding::ElementType;
using recis::embedding::TableCore;
using recis::embedding::TableOptions;

// A SafeTensors file of `specs`, every byte of every tensor set to a counter.
FileDigest write_tensors(const fs::path& path, std::vector<TensorSpec> specs,
                         std::map<std::string, std::string> metadata = {}) {
  SafeTensorsWriter writer(path, std::move(specs), std::move(metadata));
  for (std::size_t t = 0; t < writer.tensors().size(); ++t) {
    std::vector<std::byte> bytes(static_cast<std::size_t>(writer.tensors()[t].bytes()));
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::byte>(i * 7 + t);
    writer.write(t, 0, bytes);
  }
  return writer.finish();
}

void write_plain_seeds(const fs::path& dir) {
  write_tensors(dir / "empty.safetensors", {});
  write_tensors(dir / "one.safetensors", {{"w", DType::F32, {2, 3}}}, {{"note", "seed"}});
  std::vector<TensorSpec> every_dtype;
  const DType dtypes[] = {DType::BOOL, DType::U8,   DType::I8,  DType::I16, DType::U16,
                          DType::F16,  DType::BF16, DType::I32, DType::U32, DType::F32,
                          DType::F64,  DType::I64,  DType::U64};
  for (std::size_t i = 0; i < std::size(dtypes); ++i) {
    std::vector<int64_t> shape;
    if (i % 3 == 1) shape = {int64_t(i % 4 + 1)};
    if (i % 3 == 2) shape = {2, int64_t(i % 2)};
    every_dtype.push_back({"t" + std::to_string(i), dtypes[i], shape});
  }
  write_tensors(dir / "every_dtype.safetensors", every_dtype, {{"a", "1"}, {"b", ""}});
}

TableOptions table_options(ElementType type, bool slots) {
  TableOptions options;
  options.dim = 4;
  options.element_type = type;
  if (slots) options.slots = {{"adam_m", 4}, {"adam_v", 4}};
  options.rows_per_block = 64;
  return options;
}

void write_rows(const fs::path& path, ElementType type, bool slots, int64_t rows,
                const std::vector<int64_t>& evicted, recis::ThreadPool& pool) {
  TableCore table(table_options(type, slots));
  std::vector<int64_t> ids(static_cast<std::size_t>(rows)), found(ids.size());
  std::iota(ids.begin(), ids.end(), int64_t{40});
  table.lookup(ids, 3, found);
  const std::vector<ChildRows> lists = live_rows_by_child(table, 1, pool);
  write_rows_file(table, lists[0], false, {"table", "child"}, evicted, path, pool);
}

void write_rows_seeds(const fs::path& dir, recis::ThreadPool& pool) {
  write_rows(dir / "f32_adam.safetensors", ElementType::F32, true, 5, {}, pool);
  write_rows(dir / "bf16.safetensors", ElementType::BF16, false, 3, {}, pool);
  write_rows(dir / "f16_delta.safetensors", ElementType::F16, true, 2, {7, 9}, pool);
  write_rows(dir / "empty.safetensors", ElementType::F32, false, 0, {}, pool);
}

// Saves a checkpoint of `files` (relative path -> content) and copies its manifest to `seed`.
void write_manifest_seed(const fs::path& scratch, int64_t step,
                         const std::vector<std::string>& files, const fs::path& seed) {
  CheckpointStaging staging(scratch, step);
  for (const std::string& relative : files) {
    staging.write_file(relative, "content of " + relative);
  }
  fs::copy_file(staging.commit(0) / "manifest.json", seed);
}

void write_manifest_seeds(const fs::path& dir, const fs::path& scratch) {
  write_manifest_seed(scratch, 0, {}, dir / "no_files.json");
  write_manifest_seed(scratch, 1200,
                      {"trainer.json", "dense/model.safetensors", "sparse/user.safetensors",
                       "sparse/item.part-0-of-2.safetensors", "ranks/0-of-2.json"},
                      dir / "trainer.json");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT\n", argv[0]);
    return 2;
  }
  try {
    const fs::path out = argv[1];
    const fs::path plain = out / "safetensors_reader_fuzzer";
    const fs::path rows = out / "rows_file_fuzzer";
    const fs::path manifests = out / "checkpoint_manifest_fuzzer";
    const fs::path scratch = out / "scratch";
    for (const fs::path& dir : {plain, rows, manifests, scratch}) {
      fs::remove_all(dir);
      fs::create_directories(dir);
    }
    recis::ThreadPool pool(2);
    write_plain_seeds(plain);
    write_rows_seeds(rows, pool);
    for (const auto& entry : fs::directory_iterator(rows)) {
      fs::copy_file(entry.path(), plain / ("rows_" + entry.path().filename().string()));
    }
    write_manifest_seeds(manifests, scratch);
    fs::remove_all(scratch);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "fuzz_seed_writer: %s\n", error.what());
    return 1;
  }
  return 0;
}

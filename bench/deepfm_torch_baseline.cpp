#include "deepfm_torch_baseline.h"

#include <torch/torch.h>

#include <fstream>
#include <string>
#include <vector>

#include "bench_registry.h"
#include "deepfm_bench_config.h"
#include "recis/common/error.h"
#include "recis/common/threads.h"
#include "recis/io/orc_dataset.h"

namespace recis::bench {
namespace {

constexpr int kSparse = kDeepFmSparse;
constexpr int kDense = kDeepFmDense;

template <typename T>
void write_raw(const std::filesystem::path& path, const T* data, std::size_t count) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * sizeof(T)));
  if (!out) throw IoError("bench: cannot write " + path.string());
}

// The split as flat arrays for the Python baseline: per sparse column offsets and ids, log1p'ed
// dense values and labels. Returns the row count.
int64_t export_split(const std::filesystem::path& data, const std::filesystem::path& out) {
  std::filesystem::create_directories(out);
  io::OrcDatasetOptions options;
  options.with_paths({data}).with_batch_size(65536).with_read_threads(configured_threads());
  for (int i = 1; i <= kSparse; ++i) options.varlen("c" + std::to_string(i));
  for (int i = 1; i <= kDense; ++i) options.fixedlen("i" + std::to_string(i), {0.0});
  options.fixedlen("label", {0.0});
  io::OrcDataset dataset(options);
  std::vector<std::vector<int64_t>> offsets(kSparse, std::vector<int64_t>{0}), ids(kSparse);
  std::vector<float> dense, labels;
  int64_t rows = 0;
  while (auto batch = dataset.next()) {
    const int64_t n = batch->dense("label").size(0);
    for (int c = 0; c < kSparse; ++c) {
      const ragged::RaggedTensor& column = batch->ragged("c" + std::to_string(c + 1));
      const int64_t* o = column.offsets()[0].data_ptr<int64_t>();
      const int64_t* v = column.values().data_ptr<int64_t>();
      const int64_t base = offsets[c].back();
      for (int64_t r = 1; r <= n; ++r) offsets[c].push_back(base + o[r]);
      ids[c].insert(ids[c].end(), v, v + column.values().numel());
    }
    std::vector<torch::Tensor> columns;
    for (int i = 1; i <= kDense; ++i) {
      columns.push_back(batch->dense("i" + std::to_string(i)).to(torch::kFloat32).view({-1, 1}));
    }
    const torch::Tensor d = torch::log1p(torch::cat(columns, 1)).contiguous();
    dense.insert(dense.end(), d.data_ptr<float>(), d.data_ptr<float>() + d.numel());
    const torch::Tensor y = batch->dense("label").to(torch::kFloat32).reshape(-1).contiguous();
    labels.insert(labels.end(), y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
    rows += n;
  }
  for (int c = 0; c < kSparse; ++c) {
    const std::string name = "c" + std::to_string(c + 1);
    write_raw(out / (name + ".offsets"), offsets[c].data(), offsets[c].size());
    write_raw(out / (name + ".ids"), ids[c].data(), ids[c].size());
  }
  write_raw(out / "dense.f32", dense.data(), dense.size());
  write_raw(out / "labels.f32", labels.data(), labels.size());
  return rows;
}

}  // namespace

nlohmann::json run_deepfm_torch_baseline(const std::filesystem::path& dir, int64_t batch_size,
                                         int64_t buckets, const char* bench_name) {
  const std::filesystem::path arrays = dir / "arrays";
  nlohmann::json meta{{"sparse", nlohmann::json::array()},
                      {"dense", nlohmann::json::array()},
                      {"buckets", buckets},
                      {"batch_size", batch_size},
                      {"dim", kDeepFmDim},
                      {"hidden", kDeepFmHidden},
                      {"sparse_lr", kDeepFmSparseLr},
                      {"dense_lr", kDeepFmDenseLr}};
  for (int i = 1; i <= kSparse; ++i) meta["sparse"].push_back("c" + std::to_string(i));
  for (int i = 1; i <= kDense; ++i) meta["dense"].push_back("i" + std::to_string(i));
  meta["train"] = {{"rows", export_split(dir / "train", arrays / "train")}};
  meta["eval"] = {{"rows", export_split(dir / "eval", arrays / "eval")}};
  std::ofstream(arrays / "meta.json") << meta.dump();

  const std::string command = "/usr/bin/python3 " RECIS_BASELINES_DIR "/deepfm_torch.py '" +
                              arrays.string() + "' " + std::to_string(configured_threads());
  return run_for_json(command, std::string("bench ") + bench_name +
                                   ": the PyTorch baseline (is python3-torch installed?)");
}

}  // namespace recis::bench

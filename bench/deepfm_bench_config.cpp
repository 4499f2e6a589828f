#include "deepfm_bench_config.h"

namespace recis::bench {
namespace {

std::string list(const std::string& prefix, int count) {
  std::string out;
  for (int i = 1; i <= count; ++i) out += (i > 1 ? ", \"" : "\"") + prefix + std::to_string(i) + "\"";
  return out;
}

}  // namespace

std::string deepfm_bench_config(const std::filesystem::path& dir, int64_t batch_size, bool bf16) {
  std::string features;
  for (int i = 1; i <= kDeepFmDense; ++i) {
    const std::string name = "i" + std::to_string(i);
    features += "[[features]]\nname = \"" + name + "\"\nops = [{ op = \"select\", column = \"" +
                name + "\" }, { op = \"log1p\" }]\n";
  }
  return "[data]\ntrain = [\"" + (dir / "train").string() + "\"]\neval = [\"" +
         (dir / "eval").string() + "\"]\nbatch_size = " + std::to_string(batch_size) +
         "\ndense = [" + list("i", kDeepFmDense) + "]\nsparse = [" + list("c", kDeepFmSparse) +
         "]\n" + features + "[[embedding]]\nfeatures = [" + list("c", kDeepFmSparse) +
         "]\ndim = " + std::to_string(kDeepFmDim) +
         "\ninitializer = { kind = \"uniform\", low = -0.05, high = 0.05 }\n"
         "[[embedding]]\nfeatures = [" +
         list("c", kDeepFmSparse) +
         "]\nsuffix = \"_wide\"\ndim = 1\ninitializer = { kind = \"constant\" }\n"
         "[model]\ntype = \"deepfm\"\nhidden = [256, 128]\n"
         "[sparse_optimizer]\nname = \"adam\"\nlr = " +
         std::to_string(kDeepFmSparseLr) + "\n[dense_optimizer]\nname = \"adam\"\nlr = " +
         std::to_string(kDeepFmDenseLr) +
         "\n[train]\nseed = 1\nlog_every = 1000000\ncheckpoint_at_end = false\nbf16 = " +
         (bf16 ? "true" : "false") + "\noutput = \"" + (dir / "out").string() + "\"\n";
}

datagen::GenerationSummary generate_deepfm_bench_data(const std::filesystem::path& dir,
                                                      std::size_t rows, std::size_t eval_rows,
                                                      std::size_t parts) {
  const datagen::GenerationSummary train = datagen::generate_criteo(
      datagen::CriteoOptions().with_out_dir(dir / "train").with_rows(rows).with_parts(parts));
  datagen::generate_criteo(datagen::CriteoOptions()
                               .with_out_dir(dir / "eval")
                               .with_rows(eval_rows)
                               .with_first_row(rows));
  return train;
}

}  // namespace recis::bench

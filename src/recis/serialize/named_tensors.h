// Named torch tensors <-> SafeTensors files: the dense half of a checkpoint (model parameters and
// buffers, dense optimizer state, RNG state) goes through here; embedding rows use the chunked
// table_rows.h instead. Tensors are written contiguous, on the CPU, in their own dtype (float32,
// bfloat16, float16, float64, int64, int32, uint8, bool).
// Callers: serialize/dense_state.h, the trainer's checkpointer, tests.
// Thread-safety: free functions over caller-owned tensors.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "recis/serialize/core/checkpoint_dir.h"
#include "recis/serialize/core/safetensors.h"

namespace recis::serialize {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Throws Error naming the tensor for a dtype SafeTensors cannot hold here.
DType dtype_of(const torch::Tensor& tensor, const std::string& name);
torch::ScalarType scalar_type_of(DType dtype);

FileDigest write_tensors_file(const std::filesystem::path& path, const NamedTensors& tensors,
                              const std::map<std::string, std::string>& metadata = {});
// Every tensor of the file, by name (reads every byte once: file.digest_of_reads() is then
// valid); U32 tensors (row metadata) widen to int64. Throws Error naming the file for another
// dtype torch has no type for.
std::map<std::string, torch::Tensor> read_tensors_file(const SafeTensorsReader& file);
// A checkpoint's listed SafeTensors file read whole, its size and checksum checked against the
// manifest (errors name the file).
std::map<std::string, torch::Tensor> read_listed_tensors(const std::filesystem::path& dir,
                                                         const Manifest& manifest,
                                                         const std::string& relative);

}  // namespace recis::serialize

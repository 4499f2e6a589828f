#include "recis/serialize/named_tensors.h"

#include "recis/common/error.h"
#include "recis/serialize/core/checkpoint_files.h"

namespace recis::serialize {

DType dtype_of(const torch::Tensor& tensor, const std::string& name) {
  switch (tensor.scalar_type()) {
    case torch::kFloat32: return DType::F32;
    case torch::kBFloat16: return DType::BF16;
    case torch::kFloat16: return DType::F16;
    case torch::kFloat64: return DType::F64;
    case torch::kInt64: return DType::I64;
    case torch::kInt32: return DType::I32;
    case torch::kInt16: return DType::I16;
    case torch::kInt8: return DType::I8;
    case torch::kUInt8: return DType::U8;
    case torch::kBool: return DType::BOOL;
    default:
      throw Error("tensor '" + name + "': dtype " + std::string(c10::toString(tensor.scalar_type())) +
                  " cannot be saved as SafeTensors");
  }
}

torch::ScalarType scalar_type_of(DType dtype) {
  switch (dtype) {
    case DType::F32: return torch::kFloat32;
    case DType::BF16: return torch::kBFloat16;
    case DType::F16: return torch::kFloat16;
    case DType::F64: return torch::kFloat64;
    case DType::I64: return torch::kInt64;
    case DType::I32: return torch::kInt32;
    case DType::I16: return torch::kInt16;
    case DType::I8: return torch::kInt8;
    case DType::U8: return torch::kUInt8;
    case DType::BOOL: return torch::kBool;
    default:
      throw Error("SafeTensors dtype " + std::string(dtype_name(dtype)) +
                  " has no torch type here");
  }
}

FileDigest write_tensors_file(const std::filesystem::path& path, const NamedTensors& tensors,
                              const std::map<std::string, std::string>& metadata) {
  std::vector<TensorSpec> specs;
  std::vector<torch::Tensor> contiguous;
  for (const auto& [name, tensor] : tensors) {
    specs.push_back({name, dtype_of(tensor, name), tensor.sizes().vec()});
    contiguous.push_back(tensor.detach().to(torch::kCPU).contiguous());
  }
  SafeTensorsWriter writer(path, std::move(specs), metadata);
  for (std::size_t i = 0; i < contiguous.size(); ++i) {
    const torch::Tensor& tensor = contiguous[i];
    writer.write(i, 0,
                 {static_cast<const std::byte*>(tensor.data_ptr()),
                  static_cast<std::size_t>(tensor.numel()) * tensor.element_size()});
  }
  return writer.finish();
}

std::map<std::string, torch::Tensor> read_tensors_file(const SafeTensorsReader& file) {
  std::map<std::string, torch::Tensor> tensors;
  for (std::size_t i = 0; i < file.tensors().size(); ++i) {
    const TensorInfo& info = file.tensors()[i];
    if (info.dtype == DType::U32) {  // torch has no uint32: read the bits, widen to int64
      torch::Tensor bits = torch::empty(info.shape, torch::TensorOptions().dtype(torch::kInt32));
      file.read(i, 0, {static_cast<std::byte*>(bits.data_ptr()), info.bytes()});
      tensors.emplace(info.name, bits.to(torch::kInt64).bitwise_and(int64_t{0xFFFFFFFF}));
      continue;
    }
    torch::ScalarType type;
    try {
      type = scalar_type_of(info.dtype);
    } catch (const Error& error) {
      throw Error(file.path().string() + ": tensor '" + info.name + "': " + error.what());
    }
    torch::Tensor tensor = torch::empty(info.shape, torch::TensorOptions().dtype(type));
    file.read(i, 0, {static_cast<std::byte*>(tensor.data_ptr()), info.bytes()});
    tensors.emplace(info.name, std::move(tensor));
  }
  return tensors;
}

std::map<std::string, torch::Tensor> read_listed_tensors(const std::filesystem::path& dir,
                                                         const Manifest& manifest,
                                                         const std::string& relative) {
  manifest_entry(manifest, relative, dir);
  const SafeTensorsReader file(dir / relative);
  std::map<std::string, torch::Tensor> tensors = read_tensors_file(file);
  check_read_digest(file, manifest, dir, relative);
  return tensors;
}

}  // namespace recis::serialize

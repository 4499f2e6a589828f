// Checkpoints in our format (docs/checkpoints.md) for recis.framework.checkpoint_manager and
// recis.serialize: save_checkpoint writes OUTPUT/ckpt-STEP atomically (staging directory,
// manifest with sizes and CRC-32C, rename, `latest`) from the tables of some EmbeddingHandles,
// SafeTensors files of named tensors and JSON texts that Python assembles — on the adopted
// process group every rank writes its parts into one checkpoint (serialize/shared_checkpoint.h); load_embeddings and
// read_tensors/read_text read one back, checking every file against the manifest.
#include "recis/common/error.h"
#include "recis/python/embedding_handle.h"
#include "recis/python/process_group.h"
#include "recis/serialize/core/checkpoint_files.h"
#include "recis/serialize/core/table_rows.h"
#include "recis/serialize/embedding_checkpoint.h"
#include "recis/serialize/named_tensors.h"
#include "recis/serialize/shared_checkpoint.h"

namespace py = pybind11;

namespace recis::python {
namespace {

std::string save_checkpoint(
    const std::string& output_dir, int64_t step, const std::vector<EmbeddingHandle*>& handles,
    const std::map<std::string, std::map<std::string, torch::Tensor>>& files,
    const std::map<std::string, std::string>& texts, std::size_t keep) {
  for (EmbeddingHandle* handle : handles) handle->engine();
  // Keys this process's saves in the store; every rank of a job saves alike, so they agree.
  static int64_t saves = 0;
  const std::string key = "python-checkpoint/" + std::to_string(saves++);
  py::gil_scoped_release release;
  serialize::SharedCheckpoint shared(adopted_communicator().get(), output_dir, step, key);
  serialize::CheckpointStaging& staging = shared.staging();
  for (EmbeddingHandle* handle : handles) serialize::save_embeddings(handle->engine(), staging);
  for (const auto& [relative, tensors] : files) {
    const serialize::NamedTensors named(tensors.begin(), tensors.end());
    staging.add(relative, serialize::write_tensors_file(staging.path_for(relative), named));
  }
  for (const auto& [relative, text] : texts) staging.write_file(relative, text);
  return shared.commit(keep).string();
}

void load_embeddings(const std::string& path, const std::vector<EmbeddingHandle*>& handles) {
  for (EmbeddingHandle* handle : handles) handle->engine();
  py::gil_scoped_release release;
  const std::filesystem::path dir = serialize::resolve_checkpoint(path);
  const serialize::Manifest manifest = serialize::read_manifest(dir);
  for (EmbeddingHandle* handle : handles) {
    serialize::load_embeddings(handle->engine(), dir, manifest);
  }
}

std::map<std::string, torch::Tensor> read_tensors(const std::string& path,
                                                  const std::string& relative) {
  py::gil_scoped_release release;
  const std::filesystem::path dir = serialize::resolve_checkpoint(path);
  return serialize::read_listed_tensors(dir, serialize::read_manifest(dir), relative);
}

std::string read_text(const std::string& path, const std::string& relative) {
  const std::filesystem::path dir = serialize::resolve_checkpoint(path);
  return serialize::read_listed_text(dir, serialize::read_manifest(dir), relative);
}

// The files a checkpoint lists (relative paths).
std::vector<std::string> listed_files(const std::string& path) {
  const serialize::Manifest manifest =
      serialize::read_manifest(serialize::resolve_checkpoint(path));
  std::vector<std::string> files;
  for (const serialize::ManifestEntry& entry : manifest.files) files.push_back(entry.path);
  return files;
}

// {shared name: relative paths of its rows files} (one, or one per rank of a distributed save).
std::map<std::string, std::vector<std::string>> rows_files(const std::string& path) {
  const std::filesystem::path dir = serialize::resolve_checkpoint(path);
  const serialize::Manifest manifest = serialize::read_manifest(dir);
  std::map<std::string, std::vector<std::string>> files;
  for (const serialize::ManifestEntry& entry : manifest.files) {
    if (!entry.path.starts_with("sparse/") || !entry.path.ends_with(".safetensors") ||
        entry.path.find(".admission.") != std::string::npos) {
      continue;
    }
    const serialize::SafeTensorsReader file(dir / entry.path);
    files[serialize::read_rows_layout(file).names.child].push_back(entry.path);
  }
  return files;
}

}  // namespace

void bind_checkpoint(py::module_& m) {
  m.def("save_checkpoint", &save_checkpoint, py::arg("output_dir"), py::arg("step"),
        py::arg("handles"), py::arg("files"), py::arg("texts"), py::arg("keep"));
  m.def("load_embeddings", &load_embeddings, py::arg("path"), py::arg("handles"));
  m.def("read_tensors", &read_tensors, py::arg("path"), py::arg("relative"));
  m.def("read_text", &read_text, py::arg("path"), py::arg("relative"));
  m.def("listed_files", &listed_files, py::arg("path"));
  m.def("rows_files", &rows_files, py::arg("path"));
  m.def(
      "resolve_checkpoint",
      [](const std::string& path) { return serialize::resolve_checkpoint(path).string(); },
      py::arg("path"));
  m.def(
      "latest_checkpoint",
      [](const std::string& output_dir) -> std::optional<std::string> {
        const auto latest = serialize::latest_checkpoint(output_dir);
        if (!latest) return std::nullopt;
        return latest->string();
      },
      py::arg("output_dir"));
}

}  // namespace recis::python

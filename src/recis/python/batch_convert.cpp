#include "recis/python/batch_convert.h"

#include <torch/csrc/autograd/python_variable.h>

#include "recis/common/error.h"

namespace py = pybind11;

namespace recis::python {
namespace {

// recis.ragged.tensor.RaggedTensor, imported once (kept alive for the process).
py::handle ragged_class() {
  static py::handle cls =
      py::object(py::module_::import("recis.ragged.tensor").attr("RaggedTensor")).release();
  return cls;
}

torch::Tensor tensor_attr(py::handle object, const char* attr, const std::string& name) {
  py::object value = object.attr(attr);
  if (!THPVariable_Check(value.ptr())) {
    throw py::type_error("column '" + name + "': RaggedTensor." + attr + " is not a tensor");
  }
  return py::cast<torch::Tensor>(value);
}

ragged::RaggedTensor ragged_from_python(py::handle object, const std::string& name) {
  torch::Tensor values = tensor_attr(object, "_values", name);
  if (!values.device().is_cpu()) {
    throw py::type_error("column '" + name + "': expected a RaggedTensor on the CPU");
  }
  if (values.scalar_type() == torch::kInt8) values = values.view(torch::kUInt8);
  std::vector<torch::Tensor> offsets;
  for (py::handle level : py::list(object.attr("_offsets"))) {
    if (!THPVariable_Check(level.ptr())) {
      throw py::type_error("column '" + name + "': RaggedTensor offsets must be tensors");
    }
    torch::Tensor tensor = py::cast<torch::Tensor>(level);
    if (tensor.scalar_type() == torch::kInt32) tensor = tensor.to(torch::kInt64);
    offsets.push_back(std::move(tensor));
  }
  std::optional<torch::Tensor> weights;
  py::object weight = object.attr("_weight");
  if (!weight.is_none()) {
    torch::Tensor tensor = tensor_attr(object, "_weight", name);
    weights = tensor.scalar_type() == torch::kFloat32 ? tensor : tensor.to(torch::kFloat32);
  }
  try {
    return ragged::RaggedTensor(values, std::move(offsets), std::move(weights));
  } catch (const Error& error) {
    throw Error("column '" + name + "': " + error.what());
  }
}

}  // namespace

bool is_column(py::handle value) {
  return THPVariable_Check(value.ptr()) || py::isinstance(value, ragged_class());
}

ragged::Column column_from_python(py::handle value, const std::string& name) {
  if (THPVariable_Check(value.ptr())) {
    torch::Tensor tensor = py::cast<torch::Tensor>(value);
    if (tensor.layout() != torch::kStrided || !tensor.device().is_cpu()) {
      throw py::type_error("column '" + name + "': expected a dense CPU tensor");
    }
    return tensor;
  }
  if (py::isinstance(value, ragged_class())) return ragged_from_python(value, name);
  throw py::type_error("column '" + name + "': expected a torch.Tensor or a RaggedTensor, got " +
                       std::string(py::str(py::type::of(value).attr("__name__"))));
}

py::object column_to_python(const ragged::Column& column) {
  if (const auto* dense = std::get_if<torch::Tensor>(&column)) return py::cast(*dense);
  const auto& tensor = std::get<ragged::RaggedTensor>(column);
  torch::Tensor values = tensor.values();
  if (tensor.is_byte_strings()) values = values.view(torch::kInt8);
  py::list offsets;
  for (const torch::Tensor& level : tensor.offsets()) offsets.append(py::cast(level));
  py::tuple dense_shape(tensor.offsets().size() + 1);
  dense_shape[0] = py::int_(tensor.batch_size());
  for (std::size_t i = 1; i < dense_shape.size(); ++i) dense_shape[i] = py::int_(-1);
  py::object weight = tensor.weights() ? py::cast(*tensor.weights()) : py::none();
  return ragged_class()(py::cast(values), offsets, weight, dense_shape);
}

ragged::Batch batch_from_python(const py::dict& batch) {
  ragged::Batch out;
  for (const auto& [key, value] : batch) {
    if (!is_column(value)) continue;
    const std::string name = py::cast<std::string>(key);
    out.set(name, column_from_python(value, name));
  }
  return out;
}

py::dict batch_to_python(const ragged::Batch& batch) {
  py::dict out;
  for (const auto& [name, column] : batch) out[py::str(name)] = column_to_python(column);
  return out;
}

}  // namespace recis::python

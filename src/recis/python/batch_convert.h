// Batches between Python and the engine. A Python batch is a dict from column name to a
// torch.Tensor or a recis.ragged.tensor.RaggedTensor (RecIS's batch structure); the engine's is a
// ragged::Batch. Tensors cross without copies: a RaggedTensor's values, offsets and weight are the
// engine's tensors. Byte strings are uint8 in the engine and int8 in Python (RecIS's trans_int8);
// the view flips between them. int32 offsets (RecIS's) are widened to int64 on the way in.
// Callers: the binding files. Thread-safety: hold the GIL.
#pragma once

#include <string>

#include "recis/python/bindings.h"
#include "recis/ragged/batch.h"

namespace recis::python {

// Whether `value` is a torch.Tensor or a RaggedTensor, the values a batch can carry to the engine.
bool is_column(pybind11::handle value);

// A column of a Python batch; throws TypeError naming `name` for anything else.
ragged::Column column_from_python(pybind11::handle value, const std::string& name);
pybind11::object column_to_python(const ragged::Column& column);

// Every column of `batch` (a dict); entries that are not columns are skipped.
ragged::Batch batch_from_python(const pybind11::dict& batch);
pybind11::dict batch_to_python(const ragged::Batch& batch);

}  // namespace recis::python

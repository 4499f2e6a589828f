"""recis.serialize.checkpoint_reader.CheckpointReader: the tensors of a checkpoint by name.
Table tensors are "<shared name>@id", "<shared name>@embedding" and one per optimizer slot or
metadata field ("<shared name>@adam_m", "@last_step", ...), a distributed save's parts
concatenated; dense tensors keep their file's names ("model/<parameter>", "optimizer/...")."""

import torch

from recis import _C

_DENSE_FILES = {"dense/model.safetensors": "model/", "dense/optimizer.safetensors": "optimizer/",
                "dense/tensors.safetensors": ""}


class CheckpointReader:
    def __init__(self, path: str):
        self._path = _C.resolve_checkpoint(str(path))
        self._rows = _C.rows_files(self._path)
        listed = set(_C.listed_files(self._path))
        self._dense = {f: p for f, p in _DENSE_FILES.items() if f in listed}
        self._names = {}
        for shared, files in self._rows.items():
            for name in _C.read_tensors(self._path, files[0]):
                self._names[f"{shared}@{'id' if name == 'ids' else name}"] = ("rows", shared, name)
        for file, prefix in self._dense.items():
            for name in _C.read_tensors(self._path, file):
                self._names[prefix + name] = ("dense", file, name)

    def tensor_names(self):
        return sorted(self._names)

    def read_tensor(self, name: str) -> torch.Tensor:
        if name not in self._names:
            raise KeyError(f"{self._path}: no tensor '{name}'")
        kind, where, key = self._names[name]
        if kind == "dense":
            return _C.read_tensors(self._path, where)[key]
        parts = [_C.read_tensors(self._path, f)[key] for f in self._rows[where]]
        return torch.cat(parts) if len(parts) > 1 else parts[0]

    def tensor_shape(self, name: str):
        return list(self.read_tensor(name).shape)

    def tensor_dtype(self, name: str):
        return self.read_tensor(name).dtype

"""recis.serialize.Loader: reads a checkpoint (a ckpt-STEP directory, or a directory whose
latest one is taken) into tables and, in place, into tensors of the same names and shapes."""

from typing import Optional

import torch

from recis import _C


class Loader:
    def __init__(self, checkpoint_path: str, hashtables: Optional[dict] = None,
                 tensors: Optional[dict] = None, parallel: int = 16, filter_func=lambda x: x):
        self._path = checkpoint_path
        self._hashtables = hashtables or {}
        self._tensors = tensors or {}
        self._filter_func = filter_func

    def load(self):
        directory = _C.resolve_checkpoint(str(self._path))
        handles = []
        for table in self._hashtables.values():
            if not any(h is table._handle for h in handles):
                handles.append(table._handle)
        _C.load_embeddings(directory, handles)
        if not self._tensors:
            return
        saved = self._filter_func(_C.read_tensors(directory, "dense/tensors.safetensors"))
        for name, target in self._tensors.items():
            if name not in saved:
                raise ValueError(f"{directory}: no tensor '{name}'")
            if saved[name].shape != target.shape:
                raise ValueError(
                    f"{directory}: tensor '{name}' has shape {tuple(saved[name].shape)}, "
                    f"the target {tuple(target.shape)}"
                )
            with torch.no_grad():
                target.copy_(saved[name])

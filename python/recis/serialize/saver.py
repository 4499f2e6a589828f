"""recis.serialize.Saver: writes tables and tensors as one checkpoint of our format,
path/ckpt-<step> (RecIS's signature; shard and parallelism arguments are accepted, the engine
sizes its own threads). `hashtables` is filter_out_sparse_param(model); `tensors` named tensors."""

from typing import Optional

from recis import _C


class Saver:
    def __init__(self, shard_index: int = 0, shard_num: int = 1, parallel: int = 8, path: str = ".",
                 hashtables: Optional[dict] = None, tensors: Optional[dict] = None,
                 filter_func=lambda x: x):
        self._path = path
        self._hashtables = hashtables or {}
        self._tensors = tensors or {}
        self._filter_func = filter_func

    def save(self, step: int = 0) -> str:
        """Writes path/ckpt-<step> and returns it."""
        handles = []
        for table in self._hashtables.values():
            if not any(h is table._handle for h in handles):
                handles.append(table._handle)
        tensors = self._filter_func(
            {name: t.detach().cpu().contiguous() for name, t in self._tensors.items()}
        )
        files = {"dense/tensors.safetensors": tensors} if tensors else {}
        return _C.save_checkpoint(str(self._path), int(step), handles, files, {}, 0)

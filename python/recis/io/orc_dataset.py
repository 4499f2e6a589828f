"""recis.io.OrcDataset: RecIS's ORC dataset on the engine's reader (io::OrcDataset).

Files are decoded in C++ threads (`read_threads_num`) with the GIL released, `prefetch` batches
ahead. Iterating yields RecIS's items: `(is_end, batch)` tuples, where `batch` is a list holding
one dict (column -> torch.Tensor for fixedlen columns, RaggedTensor for varlen ones) passed
through the map functions and `transform_fn`; after the last batch every item is `(True, None)`.

Differences from RecIS (see docs/python.md): sharding is by (file, stripe) work unit rather than
by whole file; `dump_io_state()` is exact at every batch whatever `save_interval` (a non-zero
value only enables it); `filter()` functions are applied (RecIS collects but never runs them).
"""

import json
import os
from typing import Callable, List

import torch

from recis import _C
from recis.ragged.tensor import RaggedTensor

_FLOAT_READ_DTYPES = {torch.float32: "float32", torch.float64: "float64"}


class OrcDataset(torch.utils.data.IterableDataset):
    def __init__(
        self,
        batch_size,
        worker_idx=0,
        worker_num=1,
        read_threads_num=4,
        pack_threads_num=None,
        prefetch=1,
        is_compressed=False,
        drop_remainder=False,
        worker_slice_batch_num=None,
        shuffle=False,
        ragged_format=True,
        transform_fn=None,
        save_interval=100,
        dtype=torch.float32,
        device="cpu",
    ):
        super().__init__()
        assert not is_compressed, "OrcDataset does not read compressed samples (is_compressed)"
        if device not in ("cpu", "cuda", "pin"):
            raise ValueError(f"OrcDataset device: expected cpu, cuda or pin, got {device!r}")
        if device != "cpu" and not torch.cuda.is_available():
            raise ValueError(
                f"OrcDataset device={device!r} needs CUDA, which this torch does not have; "
                "use device='cpu'"
            )
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"OrcDataset batch_size: expected a positive int, got {batch_size!r}")
        self._batch_size = batch_size
        self._worker_idx = worker_idx
        self._worker_num = worker_num
        self._read_threads_num = read_threads_num
        self._prefetch = prefetch
        self._drop_remainder = drop_remainder
        self._shuffle = shuffle
        self._ragged_format = ragged_format
        self._save_interval = save_interval
        self._dtype = dtype
        self._device = device
        if transform_fn is None:
            transform_fn = []
        elif not isinstance(transform_fn, (list, tuple)):
            transform_fn = [transform_fn]
        self._transform_fn = list(transform_fn)
        self._paths: List[str] = []
        self._columns = []
        self._map_funcs: List[Callable] = []
        self._filter_funcs: List[Callable] = []
        self._load_state = None
        self._reader = None
        self._final_state = None

    # -- configuration --------------------------------------------------------------------------
    def add_path(self, path):
        """A directory (every *.orc below it) or an ORC file."""
        if not os.path.exists(path):
            raise OSError(f"OrcDataset.add_path: {path}: no such file or directory")
        self._paths.append(str(path))

    def add_paths(self, paths):
        for path in paths:
            self.add_path(path)

    def _declared(self, name):
        return any(column["name"] == name for column in self._columns)

    def varlen_feature(self, name, hash_type=None, hash_bucket=0, trans_int8=False):
        """A variable-length column as a RaggedTensor. String values are hashed to int64 ids with
        hash_type ("farm" | "murmur"; bucket 0 keeps the hash's low 63 bits, else hash % bucket);
        without a hash they come as int8 bytes with an extra offsets level (trans_int8)."""
        if self._declared(name):
            return
        if hash_type:
            assert hash_type in ("farm", "murmur"), "hash_type must be farm / murmur"
        self._columns.append(
            {
                "name": name,
                "kind": "varlen",
                "hash_type": hash_type or "none",
                "hash_bucket": int(hash_bucket) if hash_type else 0,
            }
        )

    def fixedlen_feature(self, name, default_value):
        """A fixed-length numeric column as a dense [B, len(default_value)] tensor; empty or null
        rows take default_value."""
        if self._declared(name):
            return
        if not isinstance(default_value, (list, tuple)):
            default_value = [default_value]
        self._columns.append(
            {"name": name, "kind": "fixedlen", "default_value": [float(v) for v in default_value]}
        )

    def map(self, map_func):
        """Adds a function applied to every batch (after reading, before transform_fn)."""
        self._map_funcs.append(map_func)

    def filter(self, filter_func):
        """Adds a predicate on the final batch; a batch for which it returns True is skipped."""
        self._filter_funcs.append(filter_func)

    # -- state ----------------------------------------------------------------------------------
    def dump_io_state(self):
        """{0: position} of the live iterator (the exact next row), or None when save_interval is
        0 or None."""
        if not self._save_interval:
            return None
        if self._reader is not None:
            return {0: self._reader.state()}
        if self._final_state is not None:
            return {0: self._final_state}
        if self._load_state is not None:
            return {0: self._load_state}
        return {}

    def load_io_state(self, io_states):
        """Resumes the next iteration at a dump_io_state() position."""
        if not io_states:
            return
        assert len(io_states) == 1, (
            f"IO states size not equal to sub worker num, expect: {len(io_states)}, got: 1"
        )
        state = next(iter(io_states.values()))
        try:
            json.loads(state)
        except (TypeError, ValueError) as error:
            raise ValueError(f"OrcDataset.load_io_state: the state is not JSON ({error})") from None
        self._load_state = state

    def planned_batches(self):
        """Batches of this worker's shard in one pass (ours, not RecIS's: the Trainer's progress
        and ETA). Reads the files' footers."""
        rows = _C.shard_rows(**self._reader_arguments())
        if self._drop_remainder:
            return rows // self._batch_size
        return -(-rows // self._batch_size)

    def reset(self):
        self._load_state = None
        self._final_state = None

    # -- iteration ------------------------------------------------------------------------------
    def _reader_arguments(self):
        if not self._paths:
            raise ValueError("OrcDataset: no paths; call add_path() first")
        if not self._columns:
            raise ValueError("OrcDataset: no columns; declare them with varlen_feature/fixedlen_feature")
        read_dtype = _FLOAT_READ_DTYPES.get(self._dtype, "float32")
        return dict(
            paths=self._paths,
            batch_size=self._batch_size,
            worker_idx=int(self._worker_idx),
            worker_num=int(self._worker_num),
            read_threads=max(1, int(self._read_threads_num or 1)),
            prefetch=max(1, int(self._prefetch or 1)),
            drop_remainder=bool(self._drop_remainder),
            shuffle=bool(self._shuffle),
            seed=10,
            float_dtype=read_dtype,
            columns=self._columns,
        )

    def _open_reader(self):
        reader = _C.OrcReader(**self._reader_arguments())
        if self._load_state is not None:
            reader.restore(self._load_state)
            self._load_state = None
        return reader

    def _convert(self, raw: dict):
        cast = self._dtype not in _FLOAT_READ_DTYPES
        if cast or not self._ragged_format or self._device != "cpu":
            for name, value in raw.items():
                if cast:
                    if isinstance(value, RaggedTensor):
                        if value.values().is_floating_point():
                            value.set_values(value.values().to(self._dtype))
                    elif value.is_floating_point():
                        value = value.to(self._dtype)
                if not self._ragged_format and isinstance(value, RaggedTensor):
                    value = value.to_sparse()
                if self._device == "cuda":
                    value = value.cuda()
                elif self._device == "pin":
                    value = value.pin_memory()
                raw[name] = value
        batch = [raw]
        for fn in self._map_funcs:
            batch = fn(batch)
        for fn in self._transform_fn:
            batch = fn(batch)
        return batch

    def __iter__(self):
        if self._reader is not None:
            self._reader.close()
        self._final_state = None
        self._reader = self._open_reader()
        return _OrcIterator(self, self._reader)

    def _finish(self, reader):
        if self._reader is reader:
            self._final_state = reader.state()
            self._reader = None
        reader.close()


class _OrcIterator:
    """(is_end, batch) items of one pass; (True, None) forever after the last batch."""

    def __init__(self, dataset: OrcDataset, reader):
        self._dataset = dataset
        self._reader = reader
        self._ended = False

    def __iter__(self):
        return self

    def __next__(self):
        while not self._ended:
            raw = self._reader.next()
            if raw is None:
                self._ended = True
                self._dataset._finish(self._reader)
                break
            batch = self._dataset._convert(raw)
            if any(f(batch) for f in self._dataset._filter_funcs):
                continue
            return (False, batch)
        return (True, None)

    def close(self):
        if not self._ended:
            self._ended = True
            self._dataset._finish(self._reader)

"""recis.nn.EmbeddingEngine: the embeddings of many features in one module, on the engine's
embedding::Engine. Keys of `emb_options` are input feature names (keys of the batch dict).
Features whose options agree (dim, dtype, initializer, policies) share one physical table
(HashTable submodules), looked up in one pass per batch: ids deduplicated, rows found or
created, combined per feature; backward leaves each table's gradient per unique id for the sparse
optimizer.

forward(batch) returns every feature's embedding — [B, dim] (sum, mean), [B, L, dim] for a padded
3-level input, [B, tile_len, dim] (tile) — plus every other entry of the batch: RaggedTensors
densified (to_dense()), tensors and other objects as they are. Features absent from the batch
are absent from the output. Training mode creates rows and records gradients; eval() only reads
(unknown ids give zeros).

Distributed (torch.distributed initialized with several ranks before the first forward): rows
are sharded by id over the ranks and looked up with all-to-all on Python's default group
(recis/_distributed.py); every rank must call forward alike, batch for batch.
"""

import re
import weakref
from typing import Dict

import torch

from recis import _C
from recis._distributed import adopt_default_group
from recis.nn.modules.embedding import EmbeddingOption
from recis.nn.modules.hashtable import HashTable
from recis.ragged.tensor import RaggedTensor

_EMPTY_IDS = RaggedTensor(torch.zeros(0, dtype=torch.int64), [torch.zeros(1, dtype=torch.int64)])


_LIVE_ENGINES = weakref.WeakSet()


def live_engines():
    """Every EmbeddingEngine not yet collected (recis.hooks.HashTableFilterHook evicts in them)."""
    return list(_LIVE_ENGINES)


def _module_key(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


class EmbeddingEngine(torch.nn.Module):
    def __init__(self, emb_options: Dict[str, EmbeddingOption]):
        super().__init__()
        if not emb_options:
            raise ValueError("EmbeddingEngine: emb_options is empty")
        by_shared = {}
        for name, option in emb_options.items():
            if not isinstance(option, EmbeddingOption):
                raise TypeError(f"EmbeddingEngine: '{name}' is not an EmbeddingOption")
            first = by_shared.setdefault(option.shared_name, option)
            if first.coalesced_info() != option.coalesced_info():
                raise RuntimeError(
                    f"Create embedding failed, emb shared name {option.shared_name} already "
                    f"created by info {first.coalesced_info()}, conflicting with {name}"
                )
        self._options = dict(emb_options)
        self._handle = _C.EmbeddingHandle([o._spec(n) for n, o in emb_options.items()])
        self._tables = torch.nn.ModuleDict()
        for table in self._handle.tables():
            options = {child: by_shared[child] for child in table["children"]}
            self._tables[_module_key(table["name"])] = HashTable._view(self._handle, table, options)
        self._step = 0
        _LIVE_ENGINES.add(self)

    @property
    def hashtables(self):
        return dict(self._tables.items())

    def evict(self):
        """Frees the rows the tables' policies mark now (filter_step idle steps, capacity) and
        returns (evicted as idle, evicted over capacity)."""
        return tuple(self._handle.evict(self._step))

    def forward(self, input_features: dict) -> dict:
        if not isinstance(input_features, dict):
            raise TypeError(f"EmbeddingEngine: expected a dict, got {type(input_features).__name__}")
        missing = [name for name in self._options if name not in input_features]
        batch = input_features
        if missing:
            batch = dict(input_features)
            for name in missing:
                batch[name] = _EMPTY_IDS
        adopt_default_group()
        if self.training:
            self._handle.accumulate_gradients()
            self._step += 1
        out = self._handle.forward(batch, self._step, self.training)
        for name in missing:
            del out[name]
        for name, value in input_features.items():
            if name in self._options:
                continue
            if isinstance(value, RaggedTensor):
                value = value.to_dense()
            elif isinstance(value, torch.Tensor) and value.is_sparse:
                raise TypeError(f"EmbeddingEngine doesn't support sparse tensor ({name})")
            out[name] = value
        return out

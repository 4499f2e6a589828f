"""recis.nn.modules.hashtable: HashTable, one physical embedding table, and
filter_out_sparse_param(model), which finds them for the sparse optimizers.

An EmbeddingEngine (and DynamicEmbedding) exposes each physical table it plans as a HashTable
submodule; features whose options agree share one (RecIS's coalesced tables), their ids carrying
the child index in the top 12 bits. HashTable(embedding_shape, ...) made directly, as in RecIS, is
a table of its own whose forward(ids) gives one row per id. ids()/embeddings() read the live
rows (sorted by id) for inspection and tests.
"""

from typing import List, Optional

import torch

from recis import _C
from recis._distributed import adopt_default_group
from recis.nn.hashtable_hook import FilterHook

_CHILD_SHIFT = 52
_ID_MASK = (1 << _CHILD_SHIFT) - 1


class Slice:
    def __init__(self, slice_beg, slice_end, slice_size):
        self.slice_begin, self.slice_end, self.slice_size = slice_beg, slice_end, slice_size


def gen_slice(shard_index=0, shard_num=1, slice_size=65536):
    """RecIS's contiguous slice ranges (kept for API compatibility; our sharding is by id)."""
    base, extra = divmod(slice_size, shard_num)
    begin = shard_index * base + min(shard_index, extra)
    return Slice(begin, begin + base + (1 if shard_index < extra else 0), slice_size)


_default_slice = Slice(0, 65536, 65536)


class HashTable(torch.nn.Module):
    hashtable_tag = True

    def __init__(
        self,
        embedding_shape: List,
        block_size: int = 5,
        dtype=torch.float32,
        device=torch.device("cpu"),
        coalesced: bool = False,
        children: Optional[List[str]] = None,
        slice: Slice = _default_slice,
        initializer=None,
        name: str = "hashtable",
        grad_reduce_by: str = "worker",
        filter_hook: Optional[FilterHook] = None,
    ):
        super().__init__()
        from recis.nn.modules.embedding import EmbeddingOption

        if len(embedding_shape) != 1:
            raise ValueError(f"HashTable '{name}': embedding_shape must be [dim], got {embedding_shape}")
        option = EmbeddingOption(
            embedding_dim=int(embedding_shape[0]),
            block_size=block_size,
            dtype=dtype,
            device=device,
            shared_name=name,
            initializer=initializer,
            grad_reduce_by=grad_reduce_by,
            filter_hook=filter_hook,
        )
        handle = _C.EmbeddingHandle([option._spec(name, combiner="none")])
        self._bind(handle, handle.tables()[0], {name: option}, standalone=True)
        self._step = 0

    @classmethod
    def _view(cls, handle, table: dict, options: dict):
        """The table `table` (a plan entry) of an engine's handle; options: shared name ->
        EmbeddingOption of its children."""
        view = cls.__new__(cls)
        torch.nn.Module.__init__(view)
        view._bind(handle, table, options, standalone=False)
        return view

    def _bind(self, handle, table, options, standalone):
        self._handle = handle
        self._table = table
        self._options = options
        self._standalone = standalone
        reduce_by = {o.grad_reduce_by for o in options.values()}
        if len(reduce_by) != 1:
            raise ValueError(
                f"table '{table['name']}' merges shared names {sorted(options)} that disagree on "
                "grad_reduce_by; give them the same value"
            )
        self._grad_reduce_by = reduce_by.pop()

    @property
    def name(self):
        return self._table["name"]

    @property
    def child_names(self):
        """The shared names merged into this table; a child's index is its position."""
        return list(self._table["children"])

    @property
    def coalesce(self):
        return len(self._table["children"]) > 1

    @property
    def dim(self):
        return self._table["dim"]

    @property
    def grad_reduce_by(self):
        return self._grad_reduce_by

    @property
    def device(self):
        return torch.device("cpu")

    def __str__(self):
        return f"HashTable_{self.name}"

    def forward(self, ids: torch.Tensor, admit_hook=None):
        """[*ids.shape, dim]: one row per id (training lookups create rows)."""
        if not self._standalone:
            raise RuntimeError(f"HashTable '{self.name}' belongs to an engine; call the engine")
        if admit_hook is not None:
            raise ValueError("HashTable.forward: set admission with EmbeddingOption.admit_hook")
        if not isinstance(ids, torch.Tensor) or ids.dtype != torch.int64:
            raise TypeError("HashTable.forward: expected an int64 tensor of ids")
        if self.training:
            self._handle.accumulate_gradients()
            self._step += 1
        adopt_default_group()
        out = self._handle.forward({self.name: ids.reshape(-1)}, self._step, self.training)
        return out[self.name].view(*ids.shape, self.dim)

    # -- inspection -----------------------------------------------------------------------------
    def ids(self):
        """Live ids, ascending (a merged table's ids carry the child index in bits 52..63)."""
        return self._handle.snapshot(self.name)[0]

    def embeddings(self):
        """The rows of ids(), float32 [n, dim]."""
        return self._handle.snapshot(self.name)[1]

    def ids_map(self):
        ids, _ = self._handle.snapshot(self.name)
        return ids, torch.arange(ids.numel())

    def child_rows(self, child: str):
        """(ids, rows) of one child (shared name), its own ids without the child bits."""
        ids, rows = self._handle.snapshot(self.name)
        if self.coalesce:
            index = self.child_names.index(child)
            mine = (ids >> _CHILD_SHIFT) == index
            return ids[mine] & _ID_MASK, rows[mine]
        return ids, rows

    def lookup(self, ids: torch.Tensor, child: Optional[str] = None):
        """Read-only rows of `ids` (zeros for ids without a row); `child` names the shared name
        of a merged table."""
        ids = ids.to(torch.int64).reshape(-1)
        if self.coalesce:
            index = self.child_names.index(child if child is not None else self.child_names[0])
            ids = (ids & _ID_MASK) | (index << _CHILD_SHIFT)
        return self._handle.find(self.name, ids)

    def stats(self):
        """rows, bytes, lookups, hits, inserts, not_admitted, evicted_by_ttl/capacity."""
        return self._handle.stats(self.name)


def is_hashtable(obj):
    return hasattr(obj, "hashtable_tag")


def filter_out_sparse_param(model: torch.nn.Module) -> dict:
    """{table name: HashTable} of every table in `model` (what a sparse optimizer takes)."""
    tables = {}
    for module in model.modules():
        if isinstance(module, HashTable):
            previous = tables.get(module.name)
            if previous is not None and previous._handle is not module._handle:
                raise ValueError(f"Duplicate hashtable name: {module.name}")
            tables[module.name] = module
    return tables


def split_sparse_dense_state_dict(state_dict: dict):
    """(sparse, dense) parts of a state dict; ours keep no tables in state dicts, so sparse is
    what is_hashtable() finds."""
    sparse = {k: v for k, v in state_dict.items() if is_hashtable(v)}
    for key in sparse:
        del state_dict[key]
    return sparse, state_dict

"""recis.nn.modules.embedding: EmbeddingOption (one feature's table and combiner, RecIS's
dataclass) and DynamicEmbedding (one table as a module).

Supported: dtype float32 / bfloat16 / float16 rows (outputs are float32), combiner sum / mean /
tile, use_weight, trainable, initializers, AdmitHook("ReadOnly" | "CountThreshold"),
FilterHook("GlobalStepFilter"), grad_reduce_by "worker" | "id", device cpu, and (ours, not in
RecIS) a RAM budget for tables larger than memory: memory (bytes, or a size such as "8GiB") and/or
memory_rows keep at most that much of the table in RAM and the rest in a disk tier under
disk_path (default ./disk_tier), spilling the least recently ("lru") or least frequently ("lfu")
used rows first (docs/tiered.md). Not supported: int8
rows (fp16_enabled), CUDA tables; block_size, max_partition_num, coalesced and children are
accepted and have no effect (our tables grow by rows and merge by their options).
"""

import json
from dataclasses import dataclass, field
from typing import List, Optional, Union

import torch

from recis.nn.hashtable_hook import AdmitHook, FilterHook
from recis.nn.initializers import ConstantInitializer, Initializer
from recis.ragged.tensor import RaggedTensor

_ROW_DTYPES = {torch.float32: "fp32", torch.bfloat16: "bf16", torch.float16: "fp16"}


@dataclass
class EmbeddingOption:
    embedding_dim: int = 16
    block_size: int = 10240
    dtype: torch.dtype = torch.float32
    device: torch.device = torch.device("cpu")
    trainable: bool = True
    pg: object = None
    max_partition_num: int = 65536
    shared_name: str = "embedding"
    children: List[str] = field(default_factory=list)
    coalesced: Optional[bool] = False
    initializer: Optional[Initializer] = None
    use_weight: Optional[bool] = True
    combiner: Optional[str] = "sum"
    combiner_kwargs: Optional[dict] = None
    grad_reduce_by: Optional[str] = "worker"
    filter_hook: Optional[FilterHook] = None
    admit_hook: Optional[AdmitHook] = None
    fp16_enabled: bool = False
    memory: Optional[Union[int, str]] = None
    memory_rows: int = 0
    disk_path: Optional[str] = None
    spill: str = "lru"

    def __post_init__(self):
        if not self.children:
            self.children = [self.shared_name]
        if self.initializer is None:
            self.initializer = ConstantInitializer(init_val=0)
        if self.fp16_enabled:
            assert self.dtype == torch.int8, "fp16_enabled only for int8 tables"
        assert self.combiner in ("sum", "mean", "tile"), f"combiner {self.combiner} not supported"
        if self.combiner == "tile" and not (self.combiner_kwargs and "tile_len" in self.combiner_kwargs):
            raise RuntimeError("tile combiner needs combiner_kwargs={'tile_len': N}")
        if self.grad_reduce_by not in ("worker", "id"):
            raise ValueError(f"grad_reduce_by must be 'worker' or 'id', got {self.grad_reduce_by!r}")
        if torch.device(self.device).type != "cpu":
            raise ValueError(
                f"EmbeddingOption(shared_name={self.shared_name!r}): device {self.device} is not "
                "available in this build; use device='cpu'"
            )
        if self.spill not in ("lru", "lfu"):
            raise ValueError(f"EmbeddingOption(shared_name={self.shared_name!r}): spill must be 'lru' or 'lfu'")
        if self.memory_rows < 0 or (isinstance(self.memory, int) and self.memory <= 0):
            raise ValueError(
                f"EmbeddingOption(shared_name={self.shared_name!r}): memory and memory_rows must be positive"
            )
        if self.dtype not in _ROW_DTYPES:
            raise ValueError(
                f"EmbeddingOption(shared_name={self.shared_name!r}): dtype {self.dtype} is not "
                "supported (float32, bfloat16 or float16)"
            )

    def coalesced_info(self):
        return json.dumps(
            {
                "dim": self.embedding_dim,
                "dtype": str(self.dtype),
                "device": torch.device(self.device).type,
                "initializer": str(self.initializer),
                "grad_reduce_by": self.grad_reduce_by,
                "filter_hook": str(self.filter_hook),
            }
        )

    def runtime_info(self):
        return json.dumps(
            {
                "combiner": self.combiner,
                "use_weight": self.use_weight,
                "trainable": self.trainable,
                "admit_hook": str(self.admit_hook),
                "fp16_enabled": self.fp16_enabled,
            }
        )

    def _spec(self, name: str, combiner: Optional[str] = None) -> dict:
        """The engine's description of feature `name` read through this option."""
        spec = {
            "name": name,
            "dim": int(self.embedding_dim),
            "shared_name": self.shared_name,
            "combiner": combiner or self.combiner,
            "tile_len": int(self.combiner_kwargs["tile_len"]) if self.combiner == "tile" else 0,
            "initializer": self.initializer._spec(int(self.embedding_dim), int(self.block_size)),
            "trainable": bool(self.trainable),
            "dtype": _ROW_DTYPES[self.dtype],
            "use_weight": bool(self.use_weight),
        }
        if self.admit_hook is not None:
            if self.admit_hook.name == "ReadOnly":
                spec["admission"] = "read_only"
            elif self.admit_hook.name == "CountThreshold":
                spec["admission"] = "count"
                spec["admission_threshold"] = int(self.admit_hook.params.get("threshold", 2))
            else:
                raise ValueError(f"admit_hook {self.admit_hook.name!r}: known ReadOnly, CountThreshold")
        if self.filter_hook is not None:
            if self.filter_hook.name != "GlobalStepFilter":
                raise ValueError(f"filter_hook {self.filter_hook.name!r}: known GlobalStepFilter")
            spec["ttl_steps"] = int(self.filter_hook.params.get("filter_step", 100))
        if self.memory is not None or self.memory_rows:
            spec["memory"] = str(self.memory) if self.memory is not None else ""
            spec["memory_rows"] = int(self.memory_rows)
            spec["disk_path"] = self.disk_path or ""
            spec["spill"] = self.spill
        return spec


class DynamicEmbedding(torch.nn.Module):
    """One table (emb_opt.shared_name) as a module: forward(ids, weights=None) gives [B, dim] for
    a 2-level RaggedTensor or dense [B, F] ids (combined per row), [B, L, dim] for a padded
    3-level RaggedTensor, [B, tile_len, dim] with the tile combiner. A RaggedTensor's own
    weights are used unless input_weights is given (RecIS ignores them, a bug there)."""

    def __init__(self, emb_opt: EmbeddingOption, pg=None):
        super().__init__()
        from recis.nn.modules.embedding_engine import EmbeddingEngine

        self._emb_opt = emb_opt
        self._engine = EmbeddingEngine({emb_opt.shared_name: emb_opt})

    @property
    def name(self):
        return self._emb_opt.shared_name

    @property
    def info(self):
        return f"{self._emb_opt.shared_name}_{self._emb_opt.embedding_dim}_{self._emb_opt.dtype}"

    def forward(self, input_ids, input_weights=None):
        if isinstance(input_ids, RaggedTensor) and input_weights is not None:
            input_ids = RaggedTensor(
                input_ids.values(), input_ids.offsets(), input_weights, input_ids.dense_shape
            )
        elif not isinstance(input_ids, (RaggedTensor, torch.Tensor)):
            raise TypeError(f"DynamicEmbedding: expected a RaggedTensor or a tensor, got {type(input_ids).__name__}")
        return self._engine({self.name: input_ids})[self.name]

"""recis.framework.checkpoint_manager: RecIS's Saver and CheckpointManager over our checkpoint
format (recis/serialize/checkpoint.py, docs/checkpoints.md). Checkpoints are
OUTPUT/ckpt-<global step>; `latest` names the newest and older ones beyond max_keep are removed
once a new one is complete.

Registered objects: a dataset (register_io_state) saves its exact position; a
torch.optim.Optimizer (register_for_checkpointing) its per-parameter state; any other object its
state_dict() (or itself) as JSON.
"""

import re
from typing import Optional

import torch

from recis import _C
from recis.serialize import checkpoint


class Saver:
    def __init__(self, model: torch.nn.Module, sparse_optim=None, output_dir: str = "./",
                 max_keep: int = 1, concurrency: int = 4):
        self._model = model
        self._sparse_optim = sparse_optim
        self._output_dir = output_dir
        self._max_keep = max_keep
        self._io_states = {}
        self._objects = {}

    @property
    def output_dir(self):
        return self._output_dir

    def register_io_state(self, name, obj):
        if name in self._io_states:
            raise ValueError(f"io state '{name}' is registered already")
        if len(self._io_states) == 1:
            raise ValueError("one dataset position per checkpoint (data.json)")
        self._io_states[name] = obj

    def register_for_checkpointing(self, name, obj):
        if name in self._objects:
            raise ValueError(f"'{name}' is registered for checkpointing already")
        self._objects[name] = obj

    def _dense_optimizer(self):
        optimizers = [o for o in self._objects.values() if isinstance(o, torch.optim.Optimizer)]
        if len(optimizers) > 1:
            raise ValueError("one dense optimizer per checkpoint")
        return optimizers[0] if optimizers else None

    def save(self, ckpt_id, shard_id: int = 0, shard_num: int = 1) -> str:
        """Writes output_dir/ckpt-<step>; ckpt_id is the step or RecIS's "ckpt_<step>"."""
        step = int(re.sub(r"\D", "", str(ckpt_id)) or 0)
        extra = {}
        for name, obj in self._objects.items():
            if isinstance(obj, torch.optim.Optimizer):
                continue
            value = obj.state_dict() if hasattr(obj, "state_dict") else obj
            extra[name] = value.item() if isinstance(value, torch.Tensor) else value
        dataset = next(iter(self._io_states.values()), None)
        return checkpoint.save(self._output_dir, step, self._model, self._sparse_optim,
                               self._dense_optimizer(), dataset, extra, self._max_keep)

    def load(self, ckpt_path: Optional[str] = None, ckpt_id=None, load_conf=None,
             shard_id: int = 0, direct_path: bool = False) -> Optional[dict]:
        """Loads a checkpoint: ckpt_path itself with direct_path, else ckpt-<ckpt_id> or the
        latest one under ckpt_path (default output_dir). Returns its trainer state, or None when
        there is no checkpoint yet."""
        root = ckpt_path or self._output_dir
        if direct_path:
            path = root
        elif ckpt_id is not None:
            path = f"{root}/ckpt-{int(re.sub(r'[^0-9]', '', str(ckpt_id)))}"
        else:
            path = _C.latest_checkpoint(str(root))
            if path is None:
                return None
        strict = True if load_conf is None else bool(load_conf.get("strict", True))
        dataset = next(iter(self._io_states.values()), None)
        state = checkpoint.load(path, self._model, self._sparse_optim, self._dense_optimizer(),
                                dataset, strict=strict)
        for name, value in state.get("extra", {}).items():
            obj = self._objects.get(name)
            if obj is not None and hasattr(obj, "load_state_dict"):
                obj.load_state_dict(value)
        return state


class CheckpointManager:
    """Counts global steps (a 0-dim int64 tensor, as RecIS) and saves every save_interval."""

    def __init__(self, saver: Saver, save_interval: int):
        self._saver = saver
        self._save_interval = save_interval
        self._global_step = torch.scalar_tensor(0, dtype=torch.int64)

    @property
    def save_interval(self):
        return self._save_interval

    @property
    def global_step(self):
        return self._global_step

    def register_for_checkpointing(self, name, obj):
        self._saver.register_for_checkpointing(name, obj)

    def step(self):
        self._global_step += 1
        if self._save_interval and int(self._global_step) % self._save_interval == 0:
            self.save()

    def save(self) -> str:
        return self._saver.save(f"ckpt_{int(self._global_step)}")

    def restore(self, global_step: Optional[int] = None):
        """Loads the latest checkpoint (or ckpt-<global_step>) when there is one and returns the
        global step tensor."""
        self.restore_state(global_step)
        return self._global_step

    def restore_state(self, global_step: Optional[int] = None) -> Optional[dict]:
        """restore(), returning the checkpoint's trainer state (None without a checkpoint). The
        run continues exactly: step, everything registered, and torch's CPU RNG."""
        state = self._saver.load(ckpt_id=global_step)
        if state is not None:
            self._global_step.fill_(int(state.get("step", 0)))
            checkpoint.restore_rng(state)
        return state

"""recis.optim.SparseOptimizer: the base of the optimizers that update embedding rows in place
(the engine's optim::SparseOptimizer; formulas in docs/optimizers.md). It takes
filter_out_sparse_param(model), adds its state slots to those tables' rows (so create it before
the model's first forward), and on step() applies each table's gradient accumulated since the
last update.

As in RecIS it is a torch.optim.Optimizer with one parameter group [{"lr", "initial_lr",
"params": []}], so torch.optim.lr_scheduler schedulers drive its lr; with
set_grad_accum_steps(k), step() updates every k-th call with the gradients summed over the k
micro-batches and divided by k, and zero_grad() clears only after an update.
"""

import json

import torch
from torch.optim.optimizer import Optimizer

from recis import _C
from recis._distributed import rank_and_world


class SparseOptimizer(Optimizer):
    _name = None  # the engine's optimizer name

    def __init__(self, lr=0.01) -> None:
        self._local_step = 0
        self._grad_accum_steps = 1
        self._groups = {}  # grad_reduce_by -> _C.SparseOptimizer
        self._tables = []  # HashTables, in attach order
        self._config = {}
        super().__init__([{"initial_lr": lr, "lr": lr, "params": []}], defaults={})

    def _setup(self, param_dict: dict, **config):
        if not isinstance(param_dict, dict):
            raise TypeError(
                f"{type(self).__name__}: expected filter_out_sparse_param(model) (a dict of "
                f"HashTables), got {type(param_dict).__name__}"
            )
        self._config = {k: float(v) for k, v in config.items()}
        self._impl("worker")  # checks the configuration now, tables or not
        self.add_params(param_dict)

    def _impl(self, grad_reduce_by):
        impl = self._groups.get(grad_reduce_by)
        if impl is None:
            config = dict(self._config, name=self._name, lr=float(self.param_groups[0]["lr"]),
                          grad_reduce_by=grad_reduce_by)
            impl = _C.SparseOptimizer(config)
            if self._groups:
                impl.load_state(next(iter(self._groups.values())).state())
            self._groups[grad_reduce_by] = impl
        return impl

    def add_params(self, params: dict):
        from recis.nn.modules.hashtable import HashTable

        for name, table in params.items():
            if not isinstance(table, HashTable):
                raise TypeError(f"{type(self).__name__}: '{name}' is not a HashTable")
            if any(t is table for t in self._tables) or not table._table["trainable"]:
                continue
            self._impl(table.grad_reduce_by).attach(table._handle, table.name)
            self._tables.append(table)

    def _table_refs(self, grad_reduce_by):
        return [
            (t._handle, t._table["index"]) for t in self._tables if t.grad_reduce_by == grad_reduce_by
        ]

    def step(self, closure=None):
        assert self._grad_accum_steps > 0
        loss = closure() if closure is not None else None
        self._local_step += 1
        if self._local_step % self._grad_accum_steps == 0:
            lr = float(self.param_groups[0]["lr"])
            for reduce_by, impl in self._groups.items():
                # grad_reduce_by "worker": the sum over the ranks becomes their mean. The world
                # size is read now: the process group may have been formed after this optimizer.
                ranks = rank_and_world()[1] if reduce_by == "worker" else 1
                impl.set_lr(lr)
                impl.step(self._table_refs(reduce_by), 1.0 / (self._grad_accum_steps * ranks))
        else:
            for table in self._tables:
                table._handle.accumulate_gradients()
        return loss

    def zero_grad(self, set_to_none: bool = False):
        if self._local_step % self._grad_accum_steps == 0:
            for table in self._tables:
                table._handle.discard_gradients()

    def discard_pending(self):
        """Forgets the gradients of an unfinished accumulation (fewer than k micro-batches since
        the last update) so that the next step() starts a new one."""
        self._local_step -= self._local_step % self._grad_accum_steps
        for table in self._tables:
            table._handle.discard_gradients()

    def set_grad_accum_steps(self, steps: int):
        if steps < 1:
            raise ValueError(f"set_grad_accum_steps: steps must be >= 1, got {steps}")
        self._grad_accum_steps = int(steps)

    @property
    def step_count(self):
        """Updates applied so far (Adam's bias correction counts them)."""
        return next(iter(self._groups.values())).step_count() if self._groups else 0

    def state_dict(self) -> dict:
        """{"optimizer", "step", "lr"} plus "local_step"; the per-row state lives in the tables'
        rows and is saved with them (recis.framework.checkpoint_manager)."""
        state = json.loads(next(iter(self._groups.values())).state()) if self._groups else {}
        state["local_step"] = self._local_step
        state["lr"] = float(self.param_groups[0]["lr"])
        return state

    def load_state_dict(self, state_dict: dict):
        if not isinstance(state_dict, dict):
            raise TypeError(f"{type(self).__name__}.load_state_dict: expected a dict, got "
                            f"{type(state_dict).__name__}")
        state = dict(state_dict)
        if "step" not in state or "optimizer" not in state:
            raise ValueError(f"{type(self).__name__}.load_state_dict: expected the keys "
                             f"'optimizer' and 'step' of state_dict(), got {sorted(state)}")
        self._local_step = int(state.pop("local_step", 0))
        if "lr" in state:
            self.param_groups[0]["lr"] = float(state["lr"])
        text = json.dumps(state)
        for impl in self._groups.values():
            impl.load_state(text)

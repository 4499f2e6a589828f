"""recis.framework.trainer: RecIS's Trainer and TrainingArguments on our engine (CPU).

The model is a torch.nn.Module whose forward(batch) returns the loss (RecIS's convention); it
reports metrics with recis.framework.metrics.add_metric (an "auc" metric feeds the progress line
and the evaluation record). The Trainer runs

    train()               restore (model bank, then the latest checkpoint), then train_epoch
                          passes over train_dataset, each at most train_steps optimizer steps
    evaluate()            restore when nothing ran yet, then the eval data under no_grad
    train_and_evaluate()  a pass, an evaluation, per epoch

with the semantics of `recis train` (docs/python.md, "Training"):
- gradient_accumulation_steps k: an optimizer step per k micro-batches, dense gradients and row
  gradients both averaged over them, so a step equals one batch k times as large;
- mixed_precision "bf16": the forward under torch.autocast (the embeddings stay float32);
- checkpoints (save_steps, at the end, and on SIGTERM) hold the rows with their optimizer slots,
  the dense model and optimizer, the lr scheduler, the epoch, the RNG and the exact data
  position, so train() after a stop continues exactly where the run stopped;
- the progress line and OUTPUT/metrics.jsonl + curves.png of the CLI (the engine's hooks).
Differences from RecIS: steps count optimizer steps and train_steps runs that many (RecIS stops
one early and counts micro-batches); evaluation resets the model's metric modules first, so its
AUC covers the eval data only; no LoggerHook is added (the progress line replaces it; add one
for RecIS's line).
Distributed (WORLD_SIZE > 1, e.g. under torchrun: the Trainer calls init_process_group("gloo")
unless the script did; each rank's train dataset reads its shard, worker_idx=RANK): the tables
are sharded over the ranks on Python's process group, dense parameters start from rank 0's and
their gradients are averaged over the ranks before each step (unless the model is wrapped in
DistributedDataParallel, which does it), and the ranks agree before every batch, so all stop when
one runs out. With equal batches a step equals one rank's step on the union of the batches.
Every rank evaluates its eval dataset (give each the same data); rank 0 writes the progress line
and metrics files. A checkpoint is written
by all ranks together (each its rows, data position and RNG) and resumes on as many ranks.
Thread-safety: one thread drives a Trainer.
"""

import math
import signal
import threading
import time
from dataclasses import dataclass
from typing import List, Optional, Tuple

import torch

from recis import _C
from recis._distributed import (
    adopt_default_group,
    all_reduce,
    all_reduce_sum,
    broadcast,
    init_from_environment,
)
from recis.framework.checkpoint_manager import CheckpointManager, Saver
from recis.framework.metrics import get_global_metrics
from recis.hooks.hook import Hook
from recis.ragged.tensor import RaggedTensor
from recis.serialize import checkpoint
from recis.utils.logger import Logger

logger = Logger(__name__)

# Accepted for RecIS scripts; they tune accelerate's DDP wrapper, which this Trainer does not
# use (it averages dense gradients itself, or a model the script wrapped in DDP does).
_DDP_ARGUMENTS = {
    "ddp_find_unused_parameters",
    "ddp_broadcast_buffers",
    "ddp_gradient_as_bucket_view",
    "ddp_bucket_cap_mb",
    "ddp_static_graph",
}


@dataclass
class TrainingArguments:
    gradient_accumulation_steps: int = 1
    output_dir: str = "output_dir"
    model_bank: Optional[list] = None
    log_steps: int = 100
    train_steps: Optional[int] = None
    train_epoch: int = 1
    eval_steps: Optional[int] = None
    save_steps: Optional[int] = 1000
    max_to_keep: int = 5
    save_concurrency_per_rank: int = 4
    save_end: bool = True
    mixed_precision: Optional[str] = None


class _Counters:
    """The Trainer's own state in a checkpoint's python.json: the epoch, the optimizer steps done
    in it (train_steps counts on after a resume) and the samples seen."""

    def __init__(self):
        self.epoch = 0
        self.epoch_steps = 0
        self.samples = 0

    def state_dict(self):
        return {"epoch": self.epoch, "epoch_steps": self.epoch_steps, "samples": self.samples}

    def load_state_dict(self, state):
        self.epoch = int(state.get("epoch", 0))
        self.epoch_steps = int(state.get("epoch_steps", 0))
        self.samples = int(state.get("samples", 0))


class _SilentLog:
    """The run log of ranks other than 0."""

    def step(self, **record):
        pass

    def eval(self, **record):
        pass

    def finish(self):
        pass


def _batch_rows(data) -> int:
    """The rows of a batch: the first tensor's (or RaggedTensor's) leading size."""
    if isinstance(data, RaggedTensor):
        return int(data.offsets()[0].numel()) - 1
    if isinstance(data, torch.Tensor):
        return int(data.shape[0]) if data.dim() > 0 else 1
    values = data.values() if isinstance(data, dict) else data
    if isinstance(values, (list, tuple)) or isinstance(data, dict):
        for value in values:
            rows = _batch_rows(value)
            if rows:
                return rows
    return 0


def _checked_loss(loss):
    """The model's forward must return the loss, as RecIS's Trainer expects."""
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1 or not loss.is_floating_point():
        what = (f"a {loss.dtype} tensor of shape {tuple(loss.shape)}"
                if isinstance(loss, torch.Tensor) else type(loss).__name__)
        raise TypeError(f"Trainer: the model's forward(batch) must return the loss as a "
                        f"one-element float tensor, got {what}")
    return loss


def _number(value) -> float:
    if isinstance(value, torch.Tensor):
        value = value.detach().float().mean().item() if value.numel() else math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


class Trainer:
    def __init__(
        self,
        model: Optional[torch.nn.Module] = None,
        args: Optional[TrainingArguments] = None,
        train_dataset=None,
        eval_dataset=None,
        hooks: Optional[List[Hook]] = None,
        dense_optimizers: Tuple[Optional[torch.optim.Optimizer], object] = (None, None),
        sparse_optimizer=None,
        data_to_cuda: bool = False,
        **kwargs,
    ):
        if model is None:
            raise ValueError("Trainer: model is required")
        self.args = args if args is not None else TrainingArguments()
        mixed_precision = kwargs.pop("mixed_precision", None) or self.args.mixed_precision
        unknown = sorted(set(kwargs) - _DDP_ARGUMENTS)
        if unknown:
            raise TypeError(f"Trainer: unknown arguments {unknown}")
        if mixed_precision not in (None, "no", "bf16"):
            raise ValueError(f"Trainer: mixed_precision must be 'bf16' or None on CPU, got "
                             f"{mixed_precision!r}")
        if data_to_cuda and not torch.cuda.is_available():
            raise ValueError("Trainer: data_to_cuda=True needs CUDA, which this torch does not "
                             "have; pass data_to_cuda=False (batches stay on the CPU)")
        if self.args.gradient_accumulation_steps < 1:
            raise ValueError(f"TrainingArguments.gradient_accumulation_steps must be >= 1, got "
                             f"{self.args.gradient_accumulation_steps}")
        if self.args.train_steps is not None and self.args.train_steps < 0:
            raise ValueError(f"TrainingArguments.train_steps must be >= 0, got "
                             f"{self.args.train_steps}")
        if self.args.log_steps < 1:
            raise ValueError(f"TrainingArguments.log_steps must be >= 1, got {self.args.log_steps}")
        self._rank, self._world = init_from_environment()
        self.model = model
        self.train_dataset = train_dataset
        self.eval_dataset = eval_dataset
        self.hooks = list(hooks or [])
        self.dense_optimizer, self.dense_lr_scheduler = dense_optimizers
        self.sparse_optimizer = sparse_optimizer
        self.data_to_cuda = data_to_cuda
        self._bf16 = mixed_precision == "bf16"
        self._ddp = isinstance(model, torch.nn.parallel.DistributedDataParallel)
        if self._world > 1:
            adopt_default_group()
        if sparse_optimizer is not None:
            sparse_optimizer.set_grad_accum_steps(self.args.gradient_accumulation_steps)
        self._counters = _Counters()
        self.saver = Saver(model, sparse_optimizer, self.args.output_dir,
                           max_keep=self.args.max_to_keep,
                           concurrency=self.args.save_concurrency_per_rank)
        if train_dataset is not None:
            self.saver.register_io_state("train_io", train_dataset)
        if self.dense_optimizer is not None:
            self.saver.register_for_checkpointing("dense_optimizer", self.dense_optimizer)
        if self.dense_lr_scheduler is not None:
            self.saver.register_for_checkpointing("lr_scheduler", self.dense_lr_scheduler)
        self.saver.register_for_checkpointing("trainer", self._counters)
        self.checkpoint_manager = CheckpointManager(self.saver, self.args.save_steps or 0)
        self._restored = False
        self._stop = False
        self._run_log = None
        self._last_saved_step = -1
        # The last training step's view of this run: steps, samples, seconds and samples/s since
        # train() began (evaluations inside it included, as `recis train` counts them).
        self.train_summary = {}
        self._planned_steps = 0

    @property
    def global_step(self) -> int:
        return int(self.checkpoint_manager.global_step)

    def add_hook(self, hook: Hook):
        self.hooks.append(hook)

    def add_hooks(self, hooks: List[Hook]):
        for hook in hooks:
            self.add_hook(hook)

    def request_stop(self):
        """Ends training after the current optimizer step, with a checkpoint (safe from any
        thread and from signal handlers)."""
        self._stop = True

    # -- public loops ---------------------------------------------------------------------------
    def train(self, train_steps=None):
        self._require(self.train_dataset, "train_dataset", "train()")
        with self._stop_on_sigterm():
            self._restore()
            self._begin_run()
            self._plan(self._steps_limit(train_steps), self.args.train_epoch)
            self._call_hooks("before_train")
            while self._counters.epoch < self.args.train_epoch and not self._stop:
                self._train_epoch(self._steps_limit(train_steps))
            self._finish_training()
            self._call_hooks("after_train")
            self._call_hooks("end")

    def evaluate(self, eval_steps=None) -> dict:
        self._require(self.eval_dataset, "eval_dataset", "evaluate()")
        self._restore()
        result = self._evaluate(eval_steps if eval_steps is not None else self.args.eval_steps)
        self._call_hooks("end")
        return result

    def train_and_evaluate(self, epochs=None, train_steps=None, eval_steps=None) -> dict:
        """Returns the last evaluation's result (as evaluate() does; RecIS returns None)."""
        self._require(self.train_dataset, "train_dataset", "train_and_evaluate()")
        self._require(self.eval_dataset, "eval_dataset", "train_and_evaluate()")
        epochs = self.args.train_epoch if epochs is None else int(epochs)
        eval_steps = eval_steps if eval_steps is not None else self.args.eval_steps
        with self._stop_on_sigterm():
            self._restore()
            self._begin_run()
            self._plan(self._steps_limit(train_steps), epochs)
            self._call_hooks("before_train")
            result = {}
            while self._counters.epoch < epochs and not self._stop:
                self._train_epoch(self._steps_limit(train_steps))
                if not self._stop:
                    result = self._evaluate(eval_steps)
            self._finish_training()
            self._call_hooks("after_train")
            self._call_hooks("end")
        return result

    # -- training -------------------------------------------------------------------------------
    def _steps_limit(self, train_steps):
        return self.args.train_steps if train_steps is None else int(train_steps)

    def _plan(self, max_steps, epochs):
        """The optimizer steps this run should reach (progress line and ETA): the epochs' batches
        over gradient_accumulation_steps, at most max_steps an epoch; 0 when unknown."""
        per_epoch = None
        planned_batches = getattr(self.train_dataset, "planned_batches", None)
        if planned_batches is not None:
            per_epoch = -(-planned_batches() // self.args.gradient_accumulation_steps)
        if max_steps is not None:
            per_epoch = max_steps if per_epoch is None else min(per_epoch, max_steps)
        self._planned_steps = per_epoch * epochs if per_epoch is not None else 0

    def _train_epoch(self, max_steps):
        self._call_hooks("before_epoch")
        self.model.train()
        accumulate = self.args.gradient_accumulation_steps
        dense_parameters = [p for p in self.model.parameters() if p.requires_grad]
        log = self._log()
        micro = 0
        window_loss = 0.0
        iterator = iter(self.train_dataset)
        while True:
            if micro == 0:
                if self._agree(self._stop, "stop requests"):
                    self._stop = True  # on every rank: all save and end alike
                    break
                if max_steps is not None and self._counters.epoch_steps >= max_steps:
                    break
            is_end, data = next(iterator)
            rows = 0 if is_end else _batch_rows(data)
            if self._world > 1:
                ranks_with_data, rows = all_reduce_sum([0 if is_end else 1, rows],
                                                       "the ranks' batch sizes")
                is_end = ranks_with_data < self._world
            if is_end:
                break
            if micro == 0:
                self._call_hooks("before_step")
                self._zero_grad()
            data = self._to_device(data)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self._bf16):
                loss = _checked_loss(self.model(data))
            loss.backward()
            if self.sparse_optimizer is not None:
                self.sparse_optimizer.step()  # applies every k-th call, accumulates otherwise
            micro += 1
            window_loss += float(loss.detach())
            self._counters.samples += int(rows)
            if micro < accumulate:
                continue
            self._average_dense_gradients(dense_parameters, accumulate)
            if self.dense_optimizer is not None:
                self.dense_optimizer.step()
            if self.dense_lr_scheduler is not None:
                self.dense_lr_scheduler.step()
            self._counters.epoch_steps += 1
            metrics = dict(epoch=self._counters.epoch, loss=window_loss / accumulate)
            metrics.update(get_global_metrics())
            micro, window_loss = 0, 0.0
            self.checkpoint_manager.step()  # counts the step; saves every save_steps
            if self.args.save_steps and self.global_step % self.args.save_steps == 0:
                self._last_saved_step = self.global_step
            self._record_step(log, metrics)
            self._call_hooks("after_step", metrics, self.global_step)
        if micro:
            logger.warning(f"the data ended {micro} micro-batches into a gradient accumulation of "
                           f"{accumulate}: those were not applied")
            self._zero_grad(force=True)
        if not self._stop:
            self._counters.epoch += 1
            self._counters.epoch_steps = 0
            self.train_dataset.reset()
        self._call_hooks("after_epoch")

    def _average_dense_gradients(self, parameters, accumulate):
        """Sum over micro-batches -> mean; distributed, also the mean over the ranks (one flat
        all-reduce), unless DistributedDataParallel already averaged them."""
        grads = [p.grad for p in parameters if p.grad is not None]
        ranks = self._world if self._world > 1 and not self._ddp else 1
        if ranks > 1 and grads:
            flat = all_reduce(torch.cat([g.reshape(-1) for g in grads]), "the dense gradients")
            offset = 0
            for g in grads:
                g.copy_(flat[offset:offset + g.numel()].view_as(g))
                offset += g.numel()
        if accumulate * ranks > 1:
            for g in grads:
                g.div_(accumulate * ranks)

    def _agree(self, mine: bool, what: str) -> bool:
        """Whether `mine` holds on any rank (so that all ranks take the same branch)."""
        if self._world == 1:
            return bool(mine)
        return all_reduce_sum([1 if mine else 0], what)[0] > 0

    def _broadcast_dense_state(self):
        """Distributed: every rank starts from rank 0's dense parameters and buffers."""
        if self._world == 1 or self._ddp:
            return
        for tensor in list(self.model.parameters()) + list(self.model.buffers()):
            with torch.no_grad():
                broadcast(tensor.data, 0, "the dense state")

    def _zero_grad(self, force=False):
        if self.dense_optimizer is not None:
            self.dense_optimizer.zero_grad()
        else:
            self.model.zero_grad()
        if self.sparse_optimizer is not None:
            if force:
                self.sparse_optimizer.discard_pending()
            else:
                self.sparse_optimizer.zero_grad()

    def _record_step(self, log, metrics):
        now = time.perf_counter()
        elapsed = now - self._start_time
        samples = self._counters.samples - self._start_samples
        progress = min(1.0, self.global_step / self._planned_steps) if self._planned_steps else 0.0
        self.train_summary = dict(steps=self.global_step, samples=self._counters.samples,
                                  seconds=elapsed,
                                  samples_per_s=samples / elapsed if elapsed > 0 else 0.0)
        log.step(step=self.global_step, epoch=self._counters.epoch,
                 samples=self._counters.samples, loss=_number(metrics["loss"]),
                 auc=_number(metrics.get("auc", math.nan)),
                 samples_per_s=samples / elapsed if elapsed > 0 else 0.0, elapsed_s=elapsed,
                 progress=progress)

    def _finish_training(self):
        if (self.args.save_end or self._stop) and self._last_saved_step != self.global_step:
            self._save()
        if self._run_log is not None:
            self._run_log.finish()
            self._run_log = None

    def _save(self):
        path = self.checkpoint_manager.save()
        self._last_saved_step = self.global_step
        if self._rank == 0:
            logger.info(f"checkpoint {path}")

    # -- evaluation -----------------------------------------------------------------------------
    def _evaluate(self, eval_steps) -> dict:
        self._call_hooks("before_evaluate")
        was_training = self.model.training
        self.model.eval()
        self._reset_metric_modules()
        get_global_metrics().clear()
        start = time.perf_counter()
        loss_sum, samples, steps = 0.0, 0, 0
        metrics = {}
        self.eval_dataset.reset()
        iterator = iter(self.eval_dataset)
        with torch.no_grad():
            while not self._agree(eval_steps is not None and steps >= eval_steps, "eval stop"):
                is_end, data = next(iterator)
                if self._agree(is_end, "the end of the eval data"):
                    break
                data = self._to_device(data)
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self._bf16):
                    loss = _checked_loss(self.model(data))
                rows = _batch_rows(data)
                loss_sum += _number(loss) * rows
                samples += rows
                steps += 1
                metrics = dict(loss=_number(loss))
                metrics.update(get_global_metrics())
                self._call_hooks("after_step", metrics, self.global_step)
        self.eval_dataset.reset()
        if self._world > 1:
            loss_sum, samples = all_reduce_sum([loss_sum, samples], "the eval loss")
            samples = int(samples)
        seconds = time.perf_counter() - start
        result = {name: _number(value) for name, value in metrics.items()}
        result["loss"] = loss_sum / samples if samples else math.nan
        result["samples"] = samples
        result["steps"] = steps
        self._log().eval(step=self.global_step, samples=samples,
                         auc=result.get("auc", math.nan), logloss=result["loss"],
                         gauc=result.get("gauc", math.nan), seconds=seconds)
        self._reset_metric_modules()
        get_global_metrics().clear()
        self.model.train(was_training)
        self._call_hooks("after_evaluate")
        return result

    def _reset_metric_modules(self):
        from recis.metrics.auroc import AUROC
        from recis.metrics.gauc import Gauc

        for module in self.model.modules():
            if isinstance(module, (AUROC, Gauc)):
                module.reset()

    # -- shared ---------------------------------------------------------------------------------
    def _restore(self):
        if self._restored:
            return
        self._restored = True
        for entry in self.args.model_bank or []:
            path = entry["path"] if isinstance(entry, dict) else str(entry)
            strict = bool(entry.get("strict", True)) if isinstance(entry, dict) else True
            checkpoint.load(path, self.model, strict=strict)
            logger.info(f"warm start from {path}")
        state = self.checkpoint_manager.restore_state()
        if state is not None:
            self._last_saved_step = self.global_step
            logger.info(f"resumed from {state['path']} at step {self.global_step}")

    def _begin_run(self):
        self._broadcast_dense_state()
        self._start_time = time.perf_counter()
        self._start_samples = self._counters.samples

    def _log(self):
        if self._run_log is None:
            self._run_log = (_C.RunLog(self.args.output_dir, self.args.log_steps)
                             if self._rank == 0 else _SilentLog())
        return self._run_log

    def _to_device(self, data):
        if not self.data_to_cuda:
            return data
        if isinstance(data, (torch.Tensor, RaggedTensor)):
            return data.cuda()
        if isinstance(data, dict):
            return {name: self._to_device(value) for name, value in data.items()}
        if isinstance(data, (list, tuple)):
            return type(data)(self._to_device(value) for value in data)
        return data

    def _call_hooks(self, method, *args):
        for hook in self.hooks:
            getattr(hook, method)(*args)

    @staticmethod
    def _require(value, name, call):
        if value is None:
            raise ValueError(f"Trainer.{call} needs {name}")

    class _SigtermGuard:
        def __init__(self, trainer):
            self._trainer = trainer
            self._previous = None

        def __enter__(self):
            if threading.current_thread() is threading.main_thread():
                def handler(signum, frame):
                    logger.warning("SIGTERM: stopping after this step, with a checkpoint")
                    self._trainer.request_stop()

                self._previous = signal.signal(signal.SIGTERM, handler)
            return self

        def __exit__(self, *exc):
            if self._previous is not None:
                signal.signal(signal.SIGTERM, self._previous)
            return False

    def _stop_on_sigterm(self):
        return Trainer._SigtermGuard(self)

"""recis.hooks.LoggerHook: RecIS's log line every `log_step` steps:
`<gstep=..> <lstep=..> <qps=..> <name=value>...`, where qps is steps per second over the interval
(as RecIS; the Trainer's own progress line reports samples per second)."""

import time

import torch

from recis.hooks.hook import Hook
from recis.utils.logger import Logger

logger = Logger(__name__)


def _format(value):
    if isinstance(value, torch.Tensor):
        value = value.item() if value.numel() == 1 else value.tolist()
    return f"{value:.6g}" if isinstance(value, float) else str(value)


class LoggerHook(Hook):
    def __init__(self, log_step=10):
        if log_step < 1:
            raise ValueError(f"LoggerHook: log_step must be >= 1, got {log_step}")
        self._log_step = log_step
        self._local_step = 0
        self._last_time = None

    def after_step(self, metrics=None, global_step=0):
        now = time.perf_counter()
        if self._last_time is None:
            self._last_time = now
        self._local_step += 1
        if self._local_step % self._log_step:
            return
        qps = self._log_step / max(now - self._last_time, 1e-9)
        self._last_time = now
        fields = [f"<gstep={int(global_step)}>", f"<lstep={self._local_step}>", f"<qps={qps:.4g}>"]
        fields += [f"<{name}={_format(value)}>" for name, value in (metrics or {}).items()]
        logger.info(" ".join(fields))

    def end(self):
        self._last_time = None

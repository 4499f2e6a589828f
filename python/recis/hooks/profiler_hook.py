"""recis.hooks.ProfilerHook: torch.profiler over the training steps (CPU activities), with RecIS's
schedule (wait, warmup, active, repeat); each recorded cycle is written as a Chrome trace
`<output_dir>/<APP_ID or local>-timeline-<step>.json` (chrome://tracing, Perfetto)."""

import os

import torch

from recis.hooks.hook import Hook
from recis.utils.logger import Logger

logger = Logger(__name__)


class ProfilerHook(Hook):
    def __init__(self, wait=1, warmup=48, active=1, repeat=4, output_dir="./"):
        self._output_dir = output_dir
        self._step = 0
        self._profiler = torch.profiler.profile(
            activities=[torch.profiler.ProfilerActivity.CPU],
            schedule=torch.profiler.schedule(wait=wait, warmup=warmup, active=active,
                                             repeat=repeat),
            on_trace_ready=self._write_trace,
            record_shapes=True,
            profile_memory=True,
            with_stack=True,
            with_flops=True,
        )
        self._started = False

    def _write_trace(self, profiler):
        os.makedirs(self._output_dir, exist_ok=True)
        app = os.environ.get("APP_ID", "local")
        path = os.path.join(self._output_dir, f"{app}-timeline-{self._step}.json")
        profiler.export_chrome_trace(path)
        logger.info(f"profiler trace written to {path}")

    def before_step(self):
        if not self._started:
            self._profiler.start()
            self._started = True

    def after_step(self, metrics=None, global_step=0):
        self._step = int(global_step)
        if self._started:
            self._profiler.step()

    def end(self):
        if self._started:
            self._profiler.stop()
            self._started = False

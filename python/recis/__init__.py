"""RecIS on a C++ engine: RecIS's Python API (recis.io, recis.features, recis.nn, recis.optim,
recis.metrics, recis.framework, recis.serialize) over the engine of the `recis` CLI, on CPU.

torch is imported first: the extension recis._C links the libtorch that torch loads. When recis
is imported before torch, OpenMP's wait policy defaults to PASSIVE, as the `recis` CLI sets it:
libgomp reads it once, when torch loads it, and its default spinning collapses training on a
machine shared with another busy process (docs/performance.md).
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402,F401  (loads libtorch before recis._C)

from recis import _C  # noqa: E402

__version__ = "1.0.0"


def set_num_threads(threads: int) -> None:
    """Compute and IO threads of the engines made afterwards, and torch's intra-op threads.

    0 sizes them from the machine (the CPUs this process may use, divided by LOCAL_WORLD_SIZE);
    the RECIS_THREADS environment variable sets the default.
    """
    _C.set_num_threads(int(threads))


def num_threads() -> int:
    return _C.num_threads()


def set_log_level(level: str) -> None:
    """The engine's log level: debug | info | warning | error | off."""
    _C.set_log_level(level)

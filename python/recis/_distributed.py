"""How the recis package joins a distributed job: it adopts the process group of Python's
torch.distributed (the default group and its store, after the user's or torchrun's
init_process_group) for the engine, so sharded tables exchange rows on that group — no second
store or group is formed. Called by EmbeddingEngine/HashTable before their first lookup, by the
Trainer and by the metrics, whose collectives (all_reduce, broadcast) run on the adopted group too.
RECIS_DIST_TIMEOUT_S (default 300) bounds each of these collectives: a rank that died or hangs
fails the others with an error naming the collective within it.
"""

import datetime
import os

import torch
import torch.distributed as dist

from recis import _C

_adopted = None  # the default group adopted last


def rank_and_world():
    """(rank, world size) of the default process group; (0, 1) without one."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def timeout_s() -> float:
    text = os.environ.get("RECIS_DIST_TIMEOUT_S", "300")
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ValueError(f"RECIS_DIST_TIMEOUT_S: expected seconds > 0, got {text!r}")
    return value


def init_from_environment():
    """Joins the job torchrun (or any launcher) describes in the environment — WORLD_SIZE > 1 —
    with init_process_group("gloo") when the script did not, as RecIS's Trainer does through
    accelerate. Returns (rank, world size)."""
    if dist.is_available() and not dist.is_initialized() and \
            int(os.environ.get("WORLD_SIZE", "1")) > 1:
        dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=timeout_s()))
    return rank_and_world()


def adopt_default_group() -> int:
    """Adopts the default group (once per group) when it has several ranks; returns the world
    size."""
    global _adopted
    _, world = rank_and_world()
    if world == 1:
        return 1
    group = dist.distributed_c10d._get_default_group()
    if _adopted is not group:
        _C.adopt_process_group(group, dist.distributed_c10d._get_default_store(), timeout_s())
        _adopted = group
    return world


def all_reduce(tensor, what):
    """Sums `tensor` over the ranks in place; a failure names this rank, what was reduced and the
    likely cause in one line. Runs on the engine's communicator over the default group (on a
    private copy: see src/recis/python/dist_bindings.cpp for why not dist.all_reduce); without
    a group of several ranks `tensor` is already the sum."""
    if adopt_default_group() == 1:
        return tensor
    return _C.all_reduce_sum(tensor, what)


def broadcast(tensor, source, what):
    """Replaces `tensor` with rank `source`'s, in place (as all_reduce)."""
    if adopt_default_group() == 1:
        return tensor
    return _C.broadcast(tensor, source, what)


def all_reduce_sum(values, what):
    """A float64 vector summed over the ranks (all_reduce), as a list."""
    return all_reduce(torch.tensor(values, dtype=torch.float64), what).tolist()

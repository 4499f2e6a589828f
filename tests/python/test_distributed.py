"""Distributed training from Python: ranks started as torchrun starts them (RANK, WORLD_SIZE,
MASTER_ADDR/PORT; and by torchrun itself) join with torch.distributed.init_process_group("gloo"),
and the engine's sharded tables run on that process group. Two ranks on batches of 512 train what one rank trains
on batches of 1024 over the same rows (losses, rows, dense parameters, evaluation), with the
Trainer's own gradient averaging or with DistributedDataParallel; a job stopped at a step resumes
from the checkpoint all ranks wrote together and ends as the uninterrupted job; a rank that dies
ends the other with a clear error. The metrics (AUROC, GAUC) sum over the ranks."""

import os
import socket
import subprocess
import sys
import time

import pytest
import torch

from conftest import REPO, run_recis

SCRIPT = REPO / "tests" / "python" / "dist_train.py"
METRICS_SCRIPT = REPO / "tests" / "python" / "dist_metrics.py"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    # 8 files of 512 rows: rank 0 reads files 0, 2, 4, 6 and rank 1 files 1, 3, 5, 7, so their
    # batches of 512 together are one rank's batch of 1024 (files 2k and 2k+1).
    root = tmp_path_factory.mktemp("dist")
    run_recis("--threads", 2, "gen-data", "--rows", 4096, "--parts", 8, "--out", root / "train",
              "--seed", 7)
    run_recis("--threads", 2, "gen-data", "--rows", 1000, "--first-row", 4096,
              "--out", root / "eval", "--seed", 7)
    return root


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(data, out, world, batch, *extra):
    port = free_port()
    processes = []
    for rank in range(world):
        env = dict(os.environ, RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank),
                   LOCAL_WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port),
                   RECIS_THREADS="1", RECIS_DIST_TIMEOUT_S="20")
        processes.append(subprocess.Popen(
            [sys.executable, str(SCRIPT), str(data), str(out), str(batch), *map(str, extra)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    return processes


def finish(processes, timeout=180):
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=timeout)
        results.append((process.returncode, stderr))
    return results


def run_job(data, out, world, batch, *extra):
    for code, stderr in finish(launch(data, out, world, batch, *extra)):
        assert code == 0, stderr
    return [torch.load(out / f"rank{r}.pt") for r in range(world)]


@pytest.fixture(scope="module")
def one_rank(data, tmp_path_factory):
    return run_job(data, tmp_path_factory.mktemp("one"), 1, 1024)[0]


def merged_rows(ranks):
    merged = {}
    for name in ranks[0]["rows"]:
        ids = torch.cat([r["rows"][name][0] for r in ranks])
        values = torch.cat([r["rows"][name][1] for r in ranks])
        order = torch.argsort(ids)
        merged[name] = (ids[order], values[order])
    return merged


@pytest.mark.parametrize("mode", ["trainer", "ddp"])
def test_two_ranks_train_what_one_rank_trains_on_the_same_global_batch(data, one_rank, tmp_path,
                                                                       mode):
    ranks = run_job(data, tmp_path, 2, 512, *(["--ddp"] if mode == "ddp" else []))
    assert [r["steps"] for r in ranks] == [4, 4] and one_rank["steps"] == 4
    assert ranks[0]["samples"] == one_rank["samples"] == 4096
    # Each rank's loss is its half's mean; their mean is the whole batch's.
    for step in range(4):
        mean = (ranks[0]["losses"][step] + ranks[1]["losses"][step]) / 2
        assert mean == pytest.approx(one_rank["losses"][step], abs=1e-5), step
    # The tables are sharded: no id on both ranks, together every id of the one-rank run.
    for name, (ids, values) in merged_rows(ranks).items():
        one_ids, one_values = one_rank["rows"][name]
        assert torch.equal(ids, one_ids), name
        assert torch.allclose(values, one_values, atol=1e-5), name
    for name, value in one_rank["dense"].items():
        for r in ranks:
            assert torch.allclose(r["dense"][name], value, atol=1e-5), name
    for r in ranks:
        assert r["eval"]["samples"] == 2000  # every rank scores the whole eval data; summed
        assert r["eval"]["loss"] == pytest.approx(one_rank["eval"]["loss"], abs=1e-5)


def test_torchrun_runs_the_job(data, one_rank, tmp_path):
    # torchrun's agent serves the store; the Trainer's init_process_group("gloo") joins it (the
    # script leaves that to it, as RecIS scripts do) and the engine adopts that group (no store
    # or group of its own). Debian's torchrun (1.13 on Python 3.11)
    # cannot parse --redirects/--tee "0"; an explicit per-rank mapping works.
    env = dict(os.environ, RECIS_THREADS="1", RECIS_DIST_TIMEOUT_S="20")
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
         "--master_port", str(free_port()), "--redirects", "0:1,1:1", "--tee", "0:1,1:1",
         "--log_dir", str(tmp_path / "logs"), str(SCRIPT), str(data), str(tmp_path), "512",
         "--trainer-joins"],
        env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = [torch.load(tmp_path / f"rank{r}.pt") for r in range(2)]
    for name, (ids, values) in merged_rows(ranks).items():
        assert torch.equal(ids, one_rank["rows"][name][0]), name
        assert torch.allclose(values, one_rank["rows"][name][1], atol=1e-5), name


def test_a_stopped_job_resumes_exactly_from_its_shared_checkpoint(data, tmp_path):
    uninterrupted = run_job(data, tmp_path / "full", 2, 512, "--epochs", 2, "--save-steps", 100)
    stopped = run_job(data, tmp_path / "split", 2, 512, "--epochs", 2, "--save-steps", 100,
                      "--stop-at", 3)
    assert [r["steps"] for r in stopped] == [3, 3]
    checkpoint = tmp_path / "split" / "run" / "ckpt-3"
    assert (checkpoint / "ranks" / "1-of-2.json").exists()
    assert (checkpoint / "sparse" / "c1.part-1-of-2.safetensors").exists()
    resumed = run_job(data, tmp_path / "split", 2, 512, "--epochs", 2, "--save-steps", 100)
    assert [r["steps"] for r in resumed] == [8, 8]
    assert resumed[0]["losses"] == uninterrupted[0]["losses"][3:]
    for name, (ids, values) in merged_rows(uninterrupted).items():
        resumed_ids, resumed_values = merged_rows(resumed)[name]
        assert torch.equal(ids, resumed_ids) and torch.equal(values, resumed_values), name
    for name, value in uninterrupted[0]["dense"].items():
        assert torch.equal(resumed[0]["dense"][name], value), name


def test_a_dead_rank_ends_the_job_with_a_clear_error(data, tmp_path):
    start = time.monotonic()
    (code0, err0), (code1, _) = finish(launch(data, tmp_path, 2, 512, "--die-after-step", "2"))
    assert code1 == 3
    assert code0 != 0
    assert "dist: rank 0/2" in err0 and "another rank died" in err0, err0[-2000:]
    assert time.monotonic() - start < 120


def test_the_metrics_sum_over_the_ranks(tmp_path):
    def run(world):
        processes = []
        port = free_port()
        for rank in range(world):
            env = dict(os.environ, RANK=str(rank), WORLD_SIZE=str(world), MASTER_ADDR="127.0.0.1",
                       MASTER_PORT=str(port), RECIS_DIST_TIMEOUT_S="20")
            processes.append(subprocess.Popen([sys.executable, str(METRICS_SCRIPT), str(tmp_path)],
                                              env=env, stderr=subprocess.PIPE, text=True))
        for process in processes:
            assert process.wait(timeout=120) == 0, process.stderr.read()
        return [torch.load(tmp_path / f"metrics{rank}.pt") for rank in range(world)]

    one = run(1)[0]
    two = run(2)
    for rank in two:  # every rank holds the counts of both halves: the whole set's
        assert torch.equal(rank["tp"], one["tp"])
        assert rank["auc"] == one["auc"]
        assert rank["gauc"] == pytest.approx(one["gauc"], abs=1e-12)
    assert 0.6 < one["auc"] < 0.9

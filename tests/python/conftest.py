"""Shared fixtures of the Python package's tests: the recis CLI, the shared corpus and small
gen-data sets (made once per test file)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RECIS_BIN = os.environ.get("RECIS_BIN", str(REPO / "build" / "bin" / "recis"))
SHARED_DIR = Path(os.environ.get("RECIS_SHARED_DIR", str(REPO.parent / "shared")))


def run_recis(*args, check=True):
    """Runs the recis CLI; returns the completed process (stdout and stderr as text)."""
    result = subprocess.run([RECIS_BIN, *map(str, args)], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"recis {' '.join(map(str, args))} failed: {result.stderr}")
    return result


def last_json_line(text):
    return json.loads(text.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def gen_data(tmp_path_factory):
    """3000 Criteo-like rows in 2 files of 500-row stripes."""
    out = tmp_path_factory.mktemp("gen") / "data"
    run_recis("--threads", 2, "gen-data", "--rows", 3000, "--parts", 2, "--stripe-rows", 500,
              "--out", out, "--seed", 3)
    return out


@pytest.fixture(scope="module")
def corpus():
    return SHARED_DIR / "orc-corpus"

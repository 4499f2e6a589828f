"""recis.io.OrcDataset against independent row output: Apache ORC's reader (the shared corpus's
expected rows of RecIS's own DeepFM data) and `recis orc cat`; exact resumption; errors."""

import gzip
import json

import pytest
import torch

from conftest import run_recis
from recis.io import OrcDataset
from recis.ragged.tensor import RaggedTensor


def rows_of(column, batch_size):
    """Per-row Python lists of a batch column (a dense [B, d] tensor or a 2-level RaggedTensor)."""
    if isinstance(column, torch.Tensor):
        return [row.tolist() for row in column]
    offsets = column.offsets()[0].tolist()
    values = column.values().tolist()
    assert len(offsets) == batch_size + 1
    return [values[offsets[i]:offsets[i + 1]] for i in range(batch_size)]


def read_all(dataset, columns):
    rows = []
    for is_end, batch in dataset:
        if is_end:
            assert batch is None
            break
        size = next(iter(batch.values())).shape[0]
        per_column = {c: rows_of(batch[c], size) for c in columns}
        rows.extend({c: per_column[c][i] for c in columns} for i in range(size))
    return rows


def make_dataset(path, batch_size=256, **kwargs):
    dataset = OrcDataset(batch_size, transform_fn=[lambda x: x[0]], **kwargs)
    dataset.add_path(str(path))
    return dataset


def test_recis_deepfm_file_matches_apache_reader(corpus):
    """RecIS's own example file, as RecIS's example reads it, vs Apache ORC's row output."""
    dataset = make_dataset(corpus / "recis-deepfm-part-0.orc", batch_size=1000, read_threads_num=2)
    dataset.fixedlen_feature("label", [0.0])
    columns = ["label", "c1", "c26", "i1", "i13"]
    for name in columns[1:]:
        dataset.varlen_feature(name)
    rows = read_all(dataset, columns)
    with gzip.open(corpus / "expected" / "recis-deepfm-part-0.jsn.gz", "rt") as f:
        expected = [json.loads(line) for line in f]
    assert len(rows) == len(expected) == 10000
    for got, want in zip(rows, expected):
        assert got["label"] == [want["label"][0] if want["label"] else 0.0]
        for name in columns[1:]:
            assert got[name] == (want[name] or []), name


def test_batches_match_orc_cat(gen_data):
    files = sorted(gen_data.glob("*.orc"))
    columns = ["label", "c1", "c24", "i2"]
    expected = []
    for f in files:
        out = run_recis("orc", "cat", "--columns", ",".join(columns), f).stdout
        expected.extend(json.loads(line) for line in out.splitlines())
    dataset = make_dataset(gen_data, batch_size=300, read_threads_num=3, prefetch=2)
    dataset.fixedlen_feature("label", [0.0])
    for name in columns[1:]:
        dataset.varlen_feature(name)
    rows = read_all(dataset, columns)
    assert len(rows) == len(expected) == 3000
    for got, want in zip(rows, expected):
        assert got["label"] == want["label"]
        for name in columns[1:]:
            assert got[name] == (want[name] or []), name


def test_batch_structure_is_recis(gen_data):
    dataset = OrcDataset(512, drop_remainder=True)
    dataset.add_path(str(gen_data))
    dataset.fixedlen_feature("label", [0.0])
    dataset.varlen_feature("c1")
    it = iter(dataset)
    is_end, batch = next(it)
    assert is_end is False and isinstance(batch, list) and len(batch) == 1
    columns = batch[0]
    assert columns["label"].shape == (512, 1) and columns["label"].dtype == torch.float32
    c1 = columns["c1"]
    assert isinstance(c1, RaggedTensor)
    assert c1.dense_shape == (512, -1)
    assert c1.offsets()[0].numel() == 513 and c1.values().dtype == torch.int64
    batches = 1 + sum(1 for end, _ in iter(lambda: next(it), (True, None)) if not end)
    assert batches == 3000 // 512  # drop_remainder
    assert next(it) == (True, None) and next(it) == (True, None)


def test_resume_is_exact(gen_data):
    def fresh():
        d = make_dataset(gen_data, batch_size=700, read_threads_num=2)
        d.fixedlen_feature("label", [0.0])
        d.varlen_feature("c3")
        return d

    full = [b["c3"].values().clone() for end, b in _take(fresh(), 100)]
    first = fresh()
    it = iter(first)
    head = [next(it)[1]["c3"].values().clone() for _ in range(2)]
    state = first.dump_io_state()
    assert set(state) == {0}
    resumed = fresh()
    resumed.load_io_state(state)
    tail = [b["c3"].values().clone() for end, b in _take(resumed, 100)]
    assert len(head) + len(tail) == len(full)
    for got, want in zip(head + tail, full):
        assert torch.equal(got, want)


def _take(dataset, limit):
    items = []
    for is_end, batch in dataset:
        if is_end or len(items) == limit:
            break
        items.append((is_end, batch))
    return items


def test_map_filter_and_dtype(gen_data):
    dataset = make_dataset(gen_data, batch_size=1000, dtype=torch.float64)
    dataset.fixedlen_feature("label", [0.0])
    dataset.varlen_feature("i1")
    dataset.map(lambda batch: [dict(batch[0], extra=batch[0]["label"] * 2)])
    dataset.filter(lambda batch: batch["label"].sum() < 0)  # keeps everything
    dataset.filter(lambda batch: False)
    batches = [b for end, b in _take(dataset, 10)]
    assert len(batches) == 3
    assert batches[0]["label"].dtype == torch.float64
    assert batches[0]["i1"].values().dtype == torch.float64
    assert torch.equal(batches[0]["extra"], batches[0]["label"] * 2)
    skipping = make_dataset(gen_data, batch_size=1000)
    skipping.fixedlen_feature("label", [0.0])
    seen = []
    skipping.filter(lambda batch: seen.append(1) or len(seen) == 2)  # drops the second batch
    assert len(_take(skipping, 10)) == 2


def test_string_columns_hash_at_read(tmp_path):
    csv = tmp_path / "s.csv"
    csv.write_text("a\nbb\n\n")
    orc = tmp_path / "s.orc"
    run_recis("orc", "from-csv", "--schema", "struct<s:string>", csv, orc)
    farm = make_dataset(orc)
    farm.varlen_feature("s", hash_type="farm", hash_bucket=0)
    raw = make_dataset(orc)
    raw.varlen_feature("s", trans_int8=True)
    (_, hashed), = _take(farm, 5)
    (_, bytes_batch), = _take(raw, 5)
    assert hashed["s"].values().dtype == torch.int64
    assert hashed["s"].offsets()[0].tolist() == [0, 1, 2, 2]
    strings = bytes_batch["s"]
    assert strings.values().dtype == torch.int8 and len(strings.offsets()) == 2
    assert bytes(strings.values().tolist()) == b"abb"
    assert strings.offsets()[1].tolist() == [0, 1, 3]


def test_errors_are_python_exceptions(tmp_path, gen_data):
    with pytest.raises(OSError, match="no such file"):
        OrcDataset(8).add_path(str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="batch_size"):
        OrcDataset(0)
    with pytest.raises(ValueError, match="CUDA"):
        OrcDataset(8, device="cuda")
    dataset = make_dataset(gen_data)
    dataset.varlen_feature("no_such_column")
    with pytest.raises(ValueError, match="no_such_column"):
        iter(dataset)
    bad = tmp_path / "bad.orc"
    bad.write_bytes(b"ORC" + b"\x00" * 64)
    broken = make_dataset(bad)
    broken.varlen_feature("c1")
    with pytest.raises((OSError, RuntimeError, ValueError), match="bad.orc"):
        iter(broken)
    ok = make_dataset(gen_data)
    ok.varlen_feature("c1")
    with pytest.raises(ValueError, match="not JSON"):
        ok.load_io_state({0: "{"})
    it = iter(ok)
    next(it)
    it.close()
    assert next(it) == (True, None)

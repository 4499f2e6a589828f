"""recis.nn against dense references: forward and gradients of sum / mean / tile / weighted sum
and 3-level inputs vs torch's embedding_bag and gathers on a dense copy of the rows; table
merging, eval mode, admission, DynamicEmbedding, HashTable; errors."""

import pytest
import torch
import torch.nn.functional as F

from recis.nn import DynamicEmbedding, EmbeddingEngine, EmbeddingOption, HashTable
from recis.nn.hashtable_hook import AdmitHook
from recis.nn.initializers import UniformInitializer
from recis.nn.modules.hashtable import filter_out_sparse_param
from recis.optim import SparseSGD
from recis.ragged.tensor import RaggedTensor

DIM = 5


def ragged(rows, weights=None):
    values = torch.tensor([v for row in rows for v in row], dtype=torch.int64)
    offsets = torch.tensor([0] + [len(r) for r in rows], dtype=torch.int64).cumsum(0)
    weight = None
    if weights is not None:
        weight = torch.tensor([w for row in weights for w in row], dtype=torch.float32)
    return RaggedTensor(values, [offsets], weight)


def option(shared, combiner="sum", **kwargs):
    return EmbeddingOption(embedding_dim=DIM, shared_name=shared, combiner=combiner,
                           initializer=UniformInitializer(-0.5, 0.5), **kwargs)


def rows_of(engine, table, child, ids):
    return engine.hashtables[table].lookup(torch.tensor(ids), child)


BATCH = {
    "a": ragged([[3, 4, 3], [5], []]),
    "b": ragged([[4], [6, 7], [3, 8]]),
    "w": ragged([[3, 9], [4], [10]], weights=[[0.5, 2.0], [1.5], [-1.0]]),
    "t": ragged([[11, 12, 13, 14], [12], []]),
}


def make_engine():
    return EmbeddingEngine({
        "a": option("shared_ab"),
        "b": option("shared_ab", combiner="mean"),
        "w": option("weighted"),
        "t": option("tiled", combiner="tile", combiner_kwargs={"tile_len": 3}),
    })


def dense_reference(rows, table_rows, mode, weights=None):
    """embedding_bag over a dense copy: rows -> indexes into `table_rows` (a dict id -> row)."""
    ids = sorted(table_rows)
    weight = torch.stack([table_rows[i] for i in ids]).clone().requires_grad_(True)
    index = {i: k for k, i in enumerate(ids)}
    flat = torch.tensor([index[v] for row in rows for v in row], dtype=torch.int64)
    offsets = torch.tensor([0] + [len(r) for r in rows[:-1]], dtype=torch.int64).cumsum(0)
    out = F.embedding_bag(flat, weight, offsets, mode=mode, per_sample_weights=weights)
    return out, weight, ids


def test_forward_and_gradients_match_dense_reference():
    engine = make_engine()
    optimizer = SparseSGD(filter_out_sparse_param(engine), lr=1.0)
    tables = sorted(engine.hashtables)
    assert len(tables) == 1  # every option agrees: one merged physical table
    table = tables[0]
    out = engine(BATCH)
    children = {"a": "shared_ab", "b": "shared_ab", "w": "weighted", "t": "tiled"}
    rows = {name: [r.tolist() for r in torch.split(BATCH[name].values(),
            torch.diff(BATCH[name].offsets()[0]).tolist())] for name in BATCH}
    before = {}
    for name, child in children.items():
        ids = sorted({v for row in rows[name] for v in row})
        before[name] = dict(zip(ids, rows_of(engine, table, child, ids)))

    torch.manual_seed(0)
    grads_out = {name: torch.randn_like(value) for name, value in out.items()}
    loss = sum((out[name] * grads_out[name]).sum() for name in out)
    loss.backward()
    optimizer.step()

    refs = {}
    for name, mode in (("a", "sum"), ("b", "mean")):
        ref, weight, ids = dense_reference(rows[name], before[name], mode)
        assert torch.allclose(out[name], ref, atol=1e-6), name
        (ref * grads_out[name]).sum().backward()
        refs[name] = (weight.grad, ids)
    ref_w, weight_w, ids_w = dense_reference(rows["w"], before["w"], "sum",
                                             BATCH["w"].weight())
    assert torch.allclose(out["w"], ref_w, atol=1e-6)
    (ref_w * grads_out["w"]).sum().backward()

    # tile: the first 3 ids of each row, zero-padded
    tile_ref = torch.zeros(3, 3, DIM)
    for r, row in enumerate(rows["t"]):
        for k, v in enumerate(row[:3]):
            tile_ref[r, k] = before["t"][v]
    assert out["t"].shape == (3, 3, DIM) and torch.allclose(out["t"], tile_ref, atol=1e-6)

    # SGD with lr 1: each row moved by minus its gradient (a and b share rows: gradients add)
    shared_grad = {}
    for name in ("a", "b"):
        grad, ids = refs[name]
        for k, i in enumerate(ids):
            shared_grad[i] = shared_grad.get(i, 0) + grad[k]
    for i, g in shared_grad.items():
        after = rows_of(engine, table, "shared_ab", [i])[0]
        assert torch.allclose(before["a"].get(i, before["b"].get(i)) - after, g, atol=1e-6), i
    for k, i in enumerate(ids_w):
        after = rows_of(engine, table, "weighted", [i])[0]
        assert torch.allclose(before["w"][i] - after, weight_w.grad[k], atol=1e-6)
    tile_grad = {}
    for r, row in enumerate(rows["t"]):
        for k, v in enumerate(row[:3]):
            tile_grad[v] = tile_grad.get(v, 0) + grads_out["t"][r, k]
    for v, g in tile_grad.items():
        after = rows_of(engine, table, "tiled", [v])[0]
        assert torch.allclose(before["t"][v] - after, g, atol=1e-6)
    # id 14 is beyond tile_len: looked up (it has a row) but gets no gradient
    assert torch.equal(rows_of(engine, table, "tiled", [14])[0], before["t"][14])


def test_three_level_inputs_pool_per_inner_list():
    engine = EmbeddingEngine({"s": option("seq", combiner="mean")})
    nested = RaggedTensor(torch.tensor([1, 2, 3, 4, 5], dtype=torch.int64),
                          [torch.tensor([0, 2, 4]), torch.tensor([0, 2, 3, 3, 5])])
    out = engine({"s": nested})["s"]
    assert out.shape == (2, 2, DIM)
    table = next(iter(engine.hashtables))
    r = dict(zip(range(1, 6), rows_of(engine, table, "seq", [1, 2, 3, 4, 5])))
    assert torch.allclose(out[0, 0], (r[1] + r[2]) / 2, atol=1e-6)
    assert torch.allclose(out[0, 1], r[3], atol=1e-6)
    assert torch.equal(out[1, 0], torch.zeros(DIM))
    assert torch.allclose(out[1, 1], (r[4] + r[5]) / 2, atol=1e-6)
    unpadded = RaggedTensor(nested.values(), [torch.tensor([0, 1, 4]), nested.offsets()[1]])
    with pytest.raises(RuntimeError, match="same number of inner lists"):
        engine({"s": unpadded})


def test_passthrough_eval_and_missing_features():
    engine = EmbeddingEngine({"a": option("a_table")})
    label = torch.ones(3, 1)
    i1 = RaggedTensor(torch.tensor([0.5, 2.0]), [torch.tensor([0, 1, 1, 2])])
    out = engine({"a": ragged([[1], [2], [3]]), "i1": i1, "label": label, "note": "x"})
    assert out["label"] is label and out["note"] == "x"
    assert torch.equal(out["i1"], torch.tensor([[0.5], [0.0], [2.0]]))
    assert "b" not in engine({"label": label})
    engine.eval()
    table = engine.hashtables[next(iter(engine.hashtables))]
    rows_before = table.stats()["rows"]
    unseen = engine({"a": ragged([[1, 999]])})["a"]
    assert table.stats()["rows"] == rows_before  # eval never creates rows
    assert torch.allclose(unseen[0], table.lookup(torch.tensor([1]))[0], atol=1e-7)


def test_read_only_admission_and_untrainable_tables():
    engine = EmbeddingEngine({
        "r": option("ro", admit_hook=AdmitHook("ReadOnly")),
        "f": option("frozen", trainable=False),
    })
    assert sorted(filter_out_sparse_param(engine)) == ["frozen", "ro"]
    optimizer = SparseSGD(filter_out_sparse_param(engine), lr=1.0)
    assert [t.name for t in optimizer._tables] == ["ro"]  # untrainable tables get no updates
    out = engine({"r": ragged([[1, 2]]), "f": ragged([[3]])})
    assert torch.equal(out["r"], torch.zeros(1, DIM))
    assert not out["f"].requires_grad


def test_dynamic_embedding_and_hashtable():
    dynamic = DynamicEmbedding(option("dyn"))
    dense_ids = torch.tensor([[1, 2], [3, 3]])
    out = dynamic(dense_ids)
    table = dynamic._engine.hashtables[next(iter(dynamic._engine.hashtables))]
    r = dict(zip([1, 2, 3], table.lookup(torch.tensor([1, 2, 3]))))
    assert torch.allclose(out[0], r[1] + r[2], atol=1e-6)
    assert torch.allclose(out[1], 2 * r[3], atol=1e-6)
    weighted = dynamic(ragged([[1, 2]]), input_weights=torch.tensor([2.0, 0.5]))
    assert torch.allclose(weighted[0], 2 * r[1] + 0.5 * r[2], atol=1e-6)

    ht = HashTable([4], name="standalone", initializer=UniformInitializer(-1, 1))
    rows = ht(torch.tensor([[7, 8], [7, 9]]))
    assert rows.shape == (2, 2, 4)
    assert torch.equal(rows[0, 0], rows[1, 0])
    assert ht.ids().tolist() == [7, 8, 9]
    assert torch.equal(ht.embeddings()[0], rows[0, 0].detach())


def test_optimizer_after_rows_exist_is_an_error():
    engine = EmbeddingEngine({"a": option("late")})
    engine({"a": ragged([[1]])})
    with pytest.raises(ValueError, match="before the first forward"):
        SparseSGD(filter_out_sparse_param(engine), lr=0.1)


def test_bad_inputs_raise_python_errors():
    engine = EmbeddingEngine({"a": option("errs")})
    with pytest.raises(RuntimeError, match="int64"):
        engine({"a": RaggedTensor(torch.tensor([1.0]), [torch.tensor([0, 1])])})
    with pytest.raises(TypeError, match="column 'a'"):
        engine({"a": [1, 2, 3]})
    with pytest.raises(TypeError):
        engine({"a": torch.tensor([[1]]).to_sparse()})
    with pytest.raises(RuntimeError, match="offsets"):
        engine({"a": RaggedTensor(torch.tensor([1]), [torch.tensor([0, 3])])})
    with pytest.raises(TypeError):
        engine(None)
    with pytest.raises(ValueError, match="device"):
        EmbeddingOption(device=torch.device("cuda"))
    with pytest.raises(ValueError, match="dtype"):
        EmbeddingOption(dtype=torch.int64)
    with pytest.raises(ValueError):
        EmbeddingEngine({"a": EmbeddingOption(embedding_dim=0)})


def test_a_memory_budget_trains_exactly_as_all_in_ram(tmp_path):
    """A table with 2 x 50 of its ~2500 rows in RAM (the rest in its disk tier) gives the same
    outputs at every step and ends with the same rows as the same table all in RAM. RAM holds
    the budget plus the rows of the last step (at most 320 ids): the next forward spills."""
    from recis.optim import SparseAdam

    def train(**budget):
        engine = EmbeddingEngine({"a": option("big", **budget), "b": option("big", combiner="mean", **budget)})
        optimizer = SparseAdam(filter_out_sparse_param(engine), lr=0.05)
        generator = torch.Generator().manual_seed(3)
        outputs = []
        for _ in range(30):
            ids = torch.randint(0, 3000, (64, 3), generator=generator)
            out = engine({"a": ids, "b": ids[:, :2]})
            (out["a"].square().sum() + out["b"].sum()).backward()
            optimizer.step()
            optimizer.zero_grad()
            outputs.append(torch.cat([out["a"].detach(), out["b"].detach()]))
        table = next(iter(filter_out_sparse_param(engine).values()))
        return outputs, table.ids(), table.embeddings(), table.stats()

    ram_outputs, ram_ids, ram_rows, _ = train()
    tier_outputs, tier_ids, tier_rows, stats = train(memory_rows=50, disk_path=str(tmp_path))
    assert all(torch.equal(a, b) for a, b in zip(ram_outputs, tier_outputs))
    assert torch.equal(ram_ids, tier_ids) and torch.equal(ram_rows, tier_rows)
    assert stats["rows"] <= 100 + 320 and stats["disk_rows"] > 1500 and stats["promoted"] > 0
    assert (tmp_path / "big").is_dir()
    with pytest.raises(ValueError, match="spill"):
        option("x", memory_rows=8, spill="random")
    with pytest.raises(ValueError, match="memory"):
        EmbeddingEngine({"a": option("sized", memory="lots", disk_path=str(tmp_path))})({"a": ragged([[1]])})

"""No Python object crashes the process: every engine entry point is called with wrong types,
dtypes, shapes, None and after close, in a child process; each call must raise a Python exception
(the child reports which did not) and the child must exit normally."""

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    r'''
    import torch
    from recis import _C
    from recis.features import FeatureEngine, Mod, SelectField
    from recis.features.feature import Feature
    from recis.metrics import AUROC, Gauc, exact_auc
    from recis.nn import EmbeddingEngine, EmbeddingOption
    from recis.nn.modules.hashtable import filter_out_sparse_param
    from recis.optim import SparseAdamW
    from recis.ragged.tensor import RaggedTensor

    engine = EmbeddingEngine({"a": EmbeddingOption(embedding_dim=4, shared_name="a")})
    optimizer = SparseAdamW(filter_out_sparse_param(engine))
    features = FeatureEngine([Feature("a").add_op(SelectField("a")).add_op(Mod(10))])
    handle = engine._handle
    def bad(values, offsets, weight=None):
        return RaggedTensor(values, offsets, weight, dense_shape=(1, -1))

    bad_ragged = [
        bad(torch.tensor([1, 2]), [torch.tensor([0, 9])]),
        bad(torch.tensor([1, 2]), [torch.tensor([0, 2], dtype=torch.float32)]),
        bad(torch.tensor([1, 2]), [torch.tensor([[0, 2]])]),
        bad(torch.tensor([1, 2]), [torch.tensor([1, 2])]),
        bad(torch.tensor([1, 2]), [torch.tensor([0, 2])], torch.ones(5)),
        bad(torch.tensor([[1, 2]]), [torch.tensor([0, 2])]),
        bad(torch.tensor([1, 2]), []),
        bad(None, [torch.tensor([0, 2])]),
        bad(torch.tensor([1, 2]), [None]),
        bad(torch.tensor([1, 2]), [torch.tensor([0, 3, 2])]),
        bad(torch.tensor([1, 2]), [torch.tensor([], dtype=torch.int64)]),
    ]
    non_tensors = [None, "x", [1], {}, object()]
    tensors = [torch.zeros(0), torch.zeros(3, 3), torch.tensor([1.5]),
               torch.tensor([[1]]).to_sparse(), torch.zeros(2, dtype=torch.bool)]
    calls = []
    for v in non_tensors + tensors + bad_ragged:  # not ids of a column
        calls += [
            lambda v=v: engine({"a": v}),
            lambda v=v: features({"a": v}),
            lambda v=v: handle.forward({"a": v}, 1, True),
            lambda v=v: handle.find("a", v),
            lambda v=v: _C.OrcReader(v, v, 0, 1, 1, 1, False, False, 0, "float32", v),
            lambda v=v: _C.SparseOptimizer(v),
            lambda v=v: _C.EmbeddingHandle([v]),
            lambda v=v: _C.FeatureRunner([("f", [v])]),
            lambda v=v: optimizer.load_state_dict(v),
            lambda v=v: handle.snapshot(v),
        ]
    for v in non_tensors + bad_ragged:  # not scores, labels, paths or steps
        calls += [
            lambda v=v: _C.exact_auc(v, v),
            lambda v=v: _C.gauc(v, v, v),
            lambda v=v: AUROC(5)(v, v),
            lambda v=v: Gauc()(v, v, v),
            lambda v=v: _C.read_tensors(v, v),
            lambda v=v: handle.evict(v),
        ]
    for v in [None, 1, [1], {}, object()] + tensors:
        calls.append(lambda v=v: _C.save_checkpoint(v, 0, [], {}, {}, 0))
    calls += [
        lambda: _C.OrcReader(["/nonexistent"], 0, 0, 1, 1, 1, False, False, 0, "float32", []),
        lambda: _C.OrcReader([], 8, 5, 2, 1, 1, False, False, 0, "float32", []),
        lambda: _C.EmbeddingHandle([{"name": "x", "dim": -3, "initializer": {"kind": "uniform"}}]),
        lambda: _C.EmbeddingHandle([{"name": "x", "dim": 2, "initializer": {"kind": "nope"}}]),
        lambda: _C.SparseOptimizer({"name": "adam", "lr": -1.0}),
        lambda: _C.SparseOptimizer({"name": "adam", "lr": 0.1, "bogus": 1}),
        lambda: _C.load_embeddings("/nonexistent", [handle]),
        lambda: handle.forward({"a": RaggedTensor(torch.tensor([2**62]), [torch.tensor([0, 1])])}, 2**40, True),
    ]
    survived = []
    for i, call in enumerate(calls):
        try:
            call()
        except Exception:
            continue
        survived.append(i)
    print("no exception:", survived)
    '''
)

def test_bad_calls_raise_and_never_crash(tmp_path):
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                            cwd=tmp_path, timeout=600)
    assert result.returncode == 0, f"child died ({result.returncode}): {result.stderr[-2000:]}"
    line = [l for l in result.stdout.splitlines() if l.startswith("no exception:")][-1]
    assert line == "no exception: []", f"calls that accepted bad input: {line}"

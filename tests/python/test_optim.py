"""recis.optim on table rows against torch.optim on an equivalent dense parameter (several steps
of partially overlapping ids, duplicates inside a batch, atol 1e-6), lr schedulers, gradient
accumulation and state."""

import pytest
import torch

from recis.nn import EmbeddingEngine, EmbeddingOption
from recis.nn.initializers import UniformInitializer
from recis.nn.modules.hashtable import filter_out_sparse_param
from recis.optim import SparseAdagrad, SparseAdam, SparseAdamW, SparseSGD
from recis.ragged.tensor import RaggedTensor

N_IDS, DIM, STEPS = 30, 7, 6
ID_BASE = 1000


def make_engine():
    return EmbeddingEngine({"x": EmbeddingOption(
        embedding_dim=DIM, shared_name="x", initializer=UniformInitializer(-0.5, 0.5))})


def initial_rows():
    """The rows every id starts with (a twin engine: initial rows are a function of the id)."""
    twin = make_engine()
    ids = torch.arange(ID_BASE, ID_BASE + N_IDS)
    twin({"x": RaggedTensor(ids, [torch.tensor([0, N_IDS])])})
    return twin.hashtables["x"].lookup(ids)


def step_batch(step):
    """Ids 3s .. 3s+11 (mod N), id 0 every other step, and duplicates: 4 rows."""
    touched = [(3 * step + k) % N_IDS for k in range(12)]
    if step % 2 == 0 and 0 not in touched:
        touched.append(0)
    rows = [touched[0::2], touched[1::2], touched[:3], [touched[-1]]]
    values = torch.tensor([ID_BASE + i for row in rows for i in row])
    offsets = torch.tensor([0] + [len(r) for r in rows]).cumsum(0)
    return RaggedTensor(values, [offsets]), rows, sorted(set(touched))


def run_against_torch(make_sparse, make_dense):
    engine = make_engine()
    sparse = make_sparse(filter_out_sparse_param(engine))
    param = initial_rows().clone().requires_grad_(True)
    dense = make_dense([param])
    torch.manual_seed(5)
    seen = set()
    for step in range(STEPS):
        batch, rows, touched = step_batch(step)
        upstream = torch.randn(len(rows), DIM)
        out = engine({"x": batch})["x"]
        (out * upstream).sum().backward()
        sparse.step()
        sparse.zero_grad()

        index = torch.cat([torch.tensor(r) for r in rows])
        offsets = torch.tensor([0] + [len(r) for r in rows[:-1]]).cumsum(0)
        ref = torch.nn.functional.embedding_bag(index, param, offsets, mode="sum")
        assert torch.allclose(out, ref, atol=1e-6), step
        (ref * upstream).sum().backward()
        # Lazy updates: rows the step did not touch keep their values and optimizer state.
        untouched = torch.tensor([i for i in range(N_IDS) if i not in touched])
        saved_param = param.detach().clone()
        saved_state = {k: v.clone() for k, v in dense.state[param].items()
                       if isinstance(v, torch.Tensor) and v.shape == param.shape}
        dense.step()
        dense.zero_grad()
        with torch.no_grad():
            param[untouched] = saved_param[untouched]
            for k, v in dense.state[param].items():
                if isinstance(v, torch.Tensor) and v.shape == param.shape:
                    # torch creates its state at the first step: untouched rows start at zero
                    v[untouched] = saved_state[k][untouched] if k in saved_state else 0
        seen.update(touched)
        have = torch.tensor(sorted(seen))  # ids never looked up have no row yet
        got = engine.hashtables["x"].lookup(have + ID_BASE)
        assert torch.allclose(got, param.detach()[have], atol=1e-6), f"step {step}"
    return sparse


@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
def test_sparse_adamw_matches_torch_adamw(weight_decay):
    sparse = run_against_torch(
        lambda tables: SparseAdamW(tables, lr=0.02, weight_decay=weight_decay),
        lambda params: torch.optim.AdamW(params, lr=0.02, weight_decay=weight_decay))
    assert sparse.step_count == STEPS


def test_sparse_adam_matches_torch_adam():
    run_against_torch(lambda tables: SparseAdam(tables, lr=0.03, beta1=0.8, weight_decay=0.01),
                      lambda params: torch.optim.Adam(params, lr=0.03, betas=(0.8, 0.999),
                                                      weight_decay=0.01))


def test_sparse_adagrad_matches_torch_adagrad():
    run_against_torch(lambda tables: SparseAdagrad(tables, lr=0.1, lr_decay=0.01),
                      lambda params: torch.optim.Adagrad(params, lr=0.1, lr_decay=0.01))


def test_lr_scheduler_drives_sparse_lr():
    run_against_torch(
        lambda tables: _with_scheduler(SparseSGD(tables, lr=0.5)),
        lambda params: _with_scheduler(torch.optim.SGD(params, lr=0.5)))


def _with_scheduler(optimizer):
    """An optimizer whose step() also steps a StepLR(step_size=2, gamma=0.5)."""
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    step = optimizer.step

    def step_and_schedule(*args, **kwargs):
        step(*args, **kwargs)
        scheduler.step()

    optimizer.step = step_and_schedule
    return optimizer


def test_gradient_accumulation_averages_micro_batches():
    engine = make_engine()
    sgd = SparseSGD(filter_out_sparse_param(engine), lr=1.0)
    sgd.set_grad_accum_steps(2)
    ids = torch.tensor([ID_BASE, ID_BASE + 1])
    start = initial_rows()[:2]
    grads = [torch.randn(1, DIM), torch.randn(1, DIM)]
    for g in grads:
        sgd.zero_grad()
        out = engine({"x": RaggedTensor(ids, [torch.tensor([0, 2])])})["x"]
        (out * g).sum().backward()
        sgd.step()
        if g is grads[0]:  # no update after the first micro-batch
            assert torch.equal(engine.hashtables["x"].lookup(ids), start)
    moved = start - engine.hashtables["x"].lookup(ids)
    expected = ((grads[0] + grads[1]) / 2).expand(2, DIM)
    assert torch.allclose(moved, expected, atol=1e-6)


def test_state_dict_round_trip_and_errors():
    engine = make_engine()
    adamw = SparseAdamW(filter_out_sparse_param(engine), lr=0.01)
    out = engine({"x": RaggedTensor(torch.tensor([ID_BASE]), [torch.tensor([0, 1])])})["x"]
    out.sum().backward()
    adamw.step()
    state = adamw.state_dict()
    assert state["optimizer"] == "adamw" and state["step"] == 1 and state["local_step"] == 1
    other = SparseAdamW(filter_out_sparse_param(make_engine()), lr=0.01)
    other.load_state_dict(state)
    assert other.step_count == 1 and other._local_step == 1
    sgd = SparseSGD(filter_out_sparse_param(make_engine()), lr=0.01)
    with pytest.raises(RuntimeError, match="adamw"):
        sgd.load_state_dict(state)
    with pytest.raises(ValueError, match="amsgrad"):
        SparseAdamW({}, amsgrad=True)
    with pytest.raises(TypeError, match="filter_out_sparse_param"):
        SparseAdamW([torch.zeros(1)])
    with pytest.raises(ValueError, match="lr"):
        SparseSGD({}, lr=-1.0)

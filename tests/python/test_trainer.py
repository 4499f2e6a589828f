"""recis.framework.Trainer on a small CTR model: the steps it runs, its files (metrics.jsonl,
curves data, checkpoints), exact gradient accumulation (k micro-batches == one batch k times as
large), exact resumption after a stop or SIGTERM (== the uninterrupted run), bf16 autocast,
the hooks' calls, LoggerHook's line, HashTableFilterHook's eviction, and bad arguments."""

import json
import signal

import pytest
import torch

from ctr_model import SPARSE, CtrModel, make_dataset
from recis.framework import Trainer, TrainingArguments
from recis.framework.metrics import add_metric
from recis.hooks import HashTableFilterHook, Hook, LoggerHook, ProfilerHook
from recis.nn import EmbeddingEngine, EmbeddingOption
from recis.nn.hashtable_hook import FilterHook
from recis.nn.modules.hashtable import filter_out_sparse_param
from recis.optim import SparseAdam

ROWS = 3000  # conftest's gen_data


def make_trainer(gen_data, output_dir, batch_size=256, hooks=None, model=None, **args):
    torch.manual_seed(0)
    model = model or CtrModel()
    sparse = SparseAdam(filter_out_sparse_param(model), lr=0.01)
    dense = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=0.01)
    args.setdefault("save_steps", 0)
    args.setdefault("log_steps", 5)
    training = TrainingArguments(output_dir=str(output_dir), **args)
    trainer = Trainer(model=model, args=training, train_dataset=make_dataset(gen_data, batch_size),
                      eval_dataset=make_dataset(gen_data, 1000), hooks=hooks,
                      dense_optimizers=(dense, None), sparse_optimizer=sparse)
    return trainer, model


def rows_by_id(model):
    out = {}
    for name, table in filter_out_sparse_param(model).items():
        ids, rows = table.ids(), table.embeddings()
        order = torch.argsort(ids)
        out[name] = (ids[order], rows[order])
    return out


def assert_same_state(a, b, exact=True):
    same = torch.equal if exact else (lambda x, y: torch.allclose(x, y, rtol=1e-4, atol=1e-6))
    for name, (ids, rows) in rows_by_id(a).items():
        other_ids, other_rows = rows_by_id(b)[name]
        assert torch.equal(ids, other_ids), name
        assert same(rows, other_rows), name
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        assert same(p, q), name


def read_metrics(output_dir):
    return [json.loads(line) for line in (output_dir / "metrics.jsonl").read_text().splitlines()]


def test_train_and_evaluate_runs_every_batch_and_writes_the_cli_files(gen_data, tmp_path):
    trainer, _ = make_trainer(gen_data, tmp_path / "out")
    result = trainer.train_and_evaluate()
    assert trainer.global_step == 12  # ceil(3000 / 256)
    assert result["samples"] == ROWS and result["steps"] == 3
    assert 0 < result["loss"] < 1
    records = read_metrics(tmp_path / "out")
    train = [r for r in records if r["kind"] == "train"]
    assert [r["step"] for r in train] == [5, 10, 12]
    assert train[-1]["samples"] == ROWS
    assert [r for r in records if r["kind"] == "eval"][0]["step"] == 12
    assert (tmp_path / "out" / "loss.dat").read_text().count("\n") == 3
    assert (tmp_path / "out" / "ckpt-12" / "manifest.json").exists()


def test_train_steps_and_epochs(gen_data, tmp_path):
    trainer, _ = make_trainer(gen_data, tmp_path / "a", train_steps=4, train_epoch=2)
    trainer.train()
    assert trainer.global_step == 8  # at most 4 steps in each of 2 epochs
    trainer, _ = make_trainer(gen_data, tmp_path / "b", train_epoch=2)
    trainer.train()
    assert trainer.global_step == 24


def test_gradient_accumulation_equals_a_batch_k_times_as_large(gen_data, tmp_path):
    whole, whole_model = make_trainer(gen_data, tmp_path / "whole", batch_size=500)
    whole.train()
    halves, halves_model = make_trainer(gen_data, tmp_path / "halves", batch_size=250,
                                        gradient_accumulation_steps=2)
    halves.train()
    assert whole.global_step == halves.global_step == 6
    assert_same_state(whole_model, halves_model, exact=False)


class StopAt(Hook):
    def __init__(self, step, action):
        self.step, self.action = step, action

    def after_step(self, metrics=None, global_step=0):
        if global_step == self.step:
            self.action()


@pytest.mark.parametrize("how", ["request_stop", "sigterm"])
def test_stopped_run_resumes_exactly(gen_data, tmp_path, how):
    uninterrupted, expected = make_trainer(gen_data, tmp_path / "full", train_epoch=2)
    uninterrupted.train()

    holder = {}
    stop = {"request_stop": lambda: holder["trainer"].request_stop(),
            "sigterm": lambda: signal.raise_signal(signal.SIGTERM)}[how]
    first, _ = make_trainer(gen_data, tmp_path / "run", train_epoch=2, hooks=[StopAt(15, stop)])
    holder["trainer"] = first
    previous = signal.getsignal(signal.SIGTERM)
    first.train()
    assert signal.getsignal(signal.SIGTERM) is previous
    assert first.global_step == 15
    assert (tmp_path / "run" / "ckpt-15" / "data.json").exists()

    resumed, model = make_trainer(gen_data, tmp_path / "run", train_epoch=2)
    resumed.train()
    assert resumed.global_step == 24
    assert_same_state(expected, model)


def test_train_steps_count_on_across_a_resume(gen_data, tmp_path):
    uninterrupted, expected = make_trainer(gen_data, tmp_path / "full", train_steps=5,
                                           train_epoch=2)
    uninterrupted.train()
    holder = {}
    first, _ = make_trainer(gen_data, tmp_path / "run", train_steps=5, train_epoch=2,
                            hooks=[StopAt(3, lambda: holder["trainer"].request_stop())])
    holder["trainer"] = first
    first.train()
    resumed, model = make_trainer(gen_data, tmp_path / "run", train_steps=5, train_epoch=2)
    resumed.train()
    assert uninterrupted.global_step == resumed.global_step == 10
    assert_same_state(expected, model)


def test_bf16_autocast_runs_the_dense_part_in_bfloat16(gen_data, tmp_path):
    dtypes = []
    trainer, model = make_trainer(gen_data, tmp_path / "out", train_steps=2,
                                  mixed_precision="bf16")
    model.dnn[0].register_forward_hook(lambda module, inputs, output: dtypes.append(output.dtype))
    trainer.train()
    assert dtypes == [torch.bfloat16, torch.bfloat16]
    assert torch.isfinite(next(model.dnn.parameters())).all()


class Recorder(Hook):
    def __init__(self):
        self.calls = []

    def __getattribute__(self, name):
        if name in ("before_train", "after_train", "before_evaluate", "after_evaluate",
                    "before_epoch", "after_epoch", "before_step", "end"):
            return lambda: object.__getattribute__(self, "calls").append(name)
        return object.__getattribute__(self, name)

    def after_step(self, metrics=None, global_step=0):
        self.calls.append(("after_step", global_step, sorted(metrics)))


class AucModel(CtrModel):
    def forward(self, batch):
        loss = super().forward(batch)
        add_metric("auc", 0.75)
        return loss


def test_hooks_are_called_in_order_with_the_metrics(gen_data, tmp_path):
    recorder = Recorder()
    trainer, _ = make_trainer(gen_data, tmp_path / "out", train_steps=2, hooks=[recorder],
                              model=AucModel())
    trainer.train_and_evaluate(eval_steps=1)
    assert recorder.calls == [
        "before_train", "before_epoch",
        "before_step", ("after_step", 1, ["auc", "epoch", "loss"]),
        "before_step", ("after_step", 2, ["auc", "epoch", "loss"]),
        "after_epoch", "before_evaluate", ("after_step", 2, ["auc", "loss"]), "after_evaluate",
        "after_train", "end",
    ]
    train = [r for r in read_metrics(tmp_path / "out") if r["kind"] == "train"]
    assert train[-1]["auc"] == 0.75


def test_logger_hook_logs_recis_line(gen_data, tmp_path, capfd):
    trainer, _ = make_trainer(gen_data, tmp_path / "out", train_steps=4, hooks=[LoggerHook(2)],
                              model=AucModel())
    trainer.train()
    lines = [line for line in capfd.readouterr().err.splitlines() if "<gstep=" in line]
    assert len(lines) == 2
    assert "<gstep=4> <lstep=4> <qps=" in lines[1] and "<auc=0.75>" in lines[1]


def test_profiler_hook_writes_a_chrome_trace_of_the_active_steps(gen_data, tmp_path):
    hook = ProfilerHook(wait=1, warmup=1, active=2, repeat=1, output_dir=str(tmp_path / "traces"))
    trainer, _ = make_trainer(gen_data, tmp_path / "out", train_steps=6, hooks=[hook])
    trainer.train()
    traces = list((tmp_path / "traces").glob("*-timeline-*.json"))
    assert [t.name for t in traces] == ["local-timeline-4.json"]  # steps 3 and 4 recorded
    trace = json.loads(traces[0].read_text())
    events = trace["traceEvents"] if isinstance(trace, dict) else trace  # both Chrome forms
    assert any(event.get("name") == "aten::linear" for event in events)


class IdleTablesModel(CtrModel):
    """CtrModel whose tables forget rows idle for one step."""

    def __init__(self):
        super().__init__()
        self.embedding_engine = EmbeddingEngine({
            n: EmbeddingOption(embedding_dim=8, shared_name=n,
                               filter_hook=FilterHook("GlobalStepFilter", {"filter_step": 1}))
            for n in SPARSE
        })


def test_filter_hook_evicts_idle_rows(gen_data, tmp_path):
    trainer, model = make_trainer(gen_data, tmp_path / "out", train_steps=6,
                                  hooks=[HashTableFilterHook(filter_interval=2)],
                                  model=IdleTablesModel())
    trainer.train()
    evicted = sum(t.stats()["evicted_by_ttl"] for t in filter_out_sparse_param(model).values())
    assert evicted > 0


def test_bad_arguments_are_named(gen_data, tmp_path):
    model = CtrModel()
    with pytest.raises(TypeError, match="unknown arguments \\['log_with'\\]"):
        Trainer(model=model, log_with="wandb")
    with pytest.raises(ValueError, match="data_to_cuda=True needs CUDA"):
        Trainer(model=model, data_to_cuda=True)
    with pytest.raises(ValueError, match="mixed_precision must be 'bf16'"):
        Trainer(model=model, mixed_precision="fp16")
    with pytest.raises(ValueError, match="gradient_accumulation_steps must be >= 1"):
        Trainer(model=model, args=TrainingArguments(gradient_accumulation_steps=0))
    with pytest.raises(ValueError, match="needs eval_dataset"):
        Trainer(model=model, args=TrainingArguments(output_dir=str(tmp_path))).evaluate()


def test_progress_line_counts_the_planned_steps(gen_data, tmp_path, capfd):
    trainer, _ = make_trainer(gen_data, tmp_path / "a", train_epoch=2)
    trainer.train()
    lines = [line for line in capfd.readouterr().err.splitlines() if " samples/s | " in line]
    assert "step 5 |" in lines[0] and "| 20.8% |" in lines[0]  # 5 of 2 x 12 steps
    trainer, _ = make_trainer(gen_data, tmp_path / "b", train_steps=4, train_epoch=2)
    trainer.train()
    lines = [line for line in capfd.readouterr().err.splitlines() if " samples/s | " in line]
    assert "step 5 |" in lines[0] and "| 62.5% |" in lines[0]  # 5 of 2 x 4 steps


class LogitsModel(CtrModel):
    def forward(self, batch):
        super().forward(batch)
        return self.last_logits


def test_a_model_that_returns_no_loss_is_named(gen_data, tmp_path):
    trainer, _ = make_trainer(gen_data, tmp_path / "out", model=LogitsModel())
    with pytest.raises(TypeError, match=r"must return the loss as a one-element float tensor, "
                                        r"got a torch.float32 tensor of shape \(256,\)"):
        trainer.train()

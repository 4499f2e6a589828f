"""Checkpoints of Python models in our format: a round trip that resumes exactly (rows, dense
parameters, both optimizers and the data position), and interchange with the CLI: `recis ckpt
inspect` reads a Python checkpoint, `recis eval` scores it, and a `recis train` checkpoint loads
into the same model written in Python and scores the same AUC."""

import json

import pytest
import torch
from torch import nn

from conftest import last_json_line, run_recis
from ctr_model import CtrModel, make_dataset
from recis.framework.checkpoint_manager import CheckpointManager, Saver
from recis.nn.modules.hashtable import filter_out_sparse_param
from recis.optim import SparseAdam, SparseAdamW
from recis.serialize.checkpoint_reader import CheckpointReader


def make_run(gen_data, output_dir):
    torch.manual_seed(0)
    model = CtrModel()
    sparse = SparseAdamW(filter_out_sparse_param(model), lr=0.01)
    dense = torch.optim.Adam(model.parameters(), lr=0.01)
    dataset = make_dataset(gen_data)
    saver = Saver(model, sparse, output_dir=str(output_dir), max_keep=2)
    saver.register_io_state("train_io", dataset)
    saver.register_for_checkpointing("dense_optimizer", dense)
    return model, sparse, dense, dataset, saver


def train(model, sparse, dense, iterator, steps):
    losses = []
    for _ in range(steps):
        is_end, batch = next(iterator)
        assert not is_end
        sparse.zero_grad()
        dense.zero_grad()
        loss = model(batch)
        loss.backward()
        dense.step()
        sparse.step()
        losses.append(loss.item())
    return losses


def table_rows(model):
    return {name: (t.ids(), t.embeddings()) for name, t in filter_out_sparse_param(model).items()}


def test_round_trip_resumes_exactly(gen_data, tmp_path):
    model, sparse, dense, dataset, saver = make_run(gen_data, tmp_path / "out")
    manager = CheckpointManager(saver, save_interval=4)
    iterator = iter(dataset)
    for _ in range(4):
        train(model, sparse, dense, iterator, 1)
        manager.step()
    assert (tmp_path / "out" / "ckpt-4" / "manifest.json").exists()
    tail = train(model, sparse, dense, iterator, 3)

    resumed, r_sparse, r_dense, r_dataset, r_saver = make_run(gen_data, tmp_path / "out")
    r_manager = CheckpointManager(r_saver, save_interval=4)
    assert int(r_manager.restore()) == 4
    assert r_sparse.step_count == 4
    r_tail = train(resumed, r_sparse, r_dense, iter(r_dataset), 3)
    assert r_tail == tail
    for (ids, rows), (r_ids, r_rows) in zip(table_rows(model).values(),
                                            table_rows(resumed).values()):
        assert torch.equal(ids, r_ids) and torch.equal(rows, r_rows)
    for p, q in zip(model.parameters(), resumed.parameters()):
        assert torch.equal(p, q)


def test_reader_and_ckpt_inspect(gen_data, tmp_path):
    model, sparse, dense, dataset, saver = make_run(gen_data, tmp_path / "out")
    train(model, sparse, dense, iter(dataset), 2)
    path = saver.save("ckpt_2")
    info = json.loads(run_recis("ckpt", "inspect", path).stdout)
    assert info["verified"] and info["step"] == 2
    tables = {t["child"]: t for t in info["tables"]}
    assert sorted(tables) == ["c1", "c2", "c3"]
    assert tables["c1"]["slots"] == ["adam_m:8", "adam_v:8"]
    merged = filter_out_sparse_param(model)["merged_d8_fp32_0"]
    assert tables["c1"]["rows"] == merged.child_rows("c1")[0].numel() > 0
    reader = CheckpointReader(path)
    ids = reader.read_tensor("c1@id")
    assert "c1@embedding" in reader.tensor_names() and "model/dnn.0.weight" in reader.tensor_names()
    assert torch.equal(reader.read_tensor("c1@embedding"), merged.lookup(ids, "c1"))
    assert torch.equal(reader.read_tensor("model/dnn.2.bias"), model.dnn[2].bias.detach())
    with pytest.raises(RuntimeError):
        (tmp_path / "out" / "ckpt-2" / "dense" / "model.safetensors").write_bytes(b"broken")
        CheckpointReader(path)


MLP_CONFIG = """
[data]
train = ["{train}"]
eval = ["{eval}"]
batch_size = 500
label = "label"
dense = ["i1", "i2"]
sparse = ["c1", "c2"]

[[features]]
name = "i1"
ops = [{{ op = "select", column = "i1" }}, {{ op = "log1p" }}]

[[features]]
name = "i2"
ops = [{{ op = "select", column = "i2" }}, {{ op = "log1p" }}]

[[embedding]]
features = ["c1", "c2"]
dim = 4
initializer = {{ kind = "uniform", low = -0.05, high = 0.05 }}

[model]
type = "mlp"
hidden = [8]

[sparse_optimizer]
name = "adam"
lr = 0.01

[dense_optimizer]
name = "adam"
lr = 0.01

[train]
epochs = 1
seed = 1
output = "{output}"
"""


class MlpMirror(nn.Module):
    """The C++ "mlp" model of MLP_CONFIG written in Python, with its parameter names."""

    def __init__(self):
        super().__init__()
        from recis.features import FeatureEngine, SelectField
        from recis.features.feature import Feature
        from recis.features.op import Log1p
        from recis.nn import EmbeddingEngine, EmbeddingOption
        from recis.nn.initializers import UniformInitializer

        self.feature_engine = FeatureEngine(
            [Feature(n).add_op(SelectField(n)).add_op(Log1p()) for n in ("i1", "i2")])
        self.embedding_engine = EmbeddingEngine({
            n: EmbeddingOption(embedding_dim=4, shared_name=n,
                               initializer=UniformInitializer(-0.05, 0.05))
            for n in ("c1", "c2")})
        self.deep = nn.Module()
        self.deep.tower = nn.Module()
        self.deep.tower.linear0 = nn.Linear(10, 8)
        self.deep.output = nn.Linear(8, 1)

    def forward(self, batch):
        batch = self.embedding_engine(self.feature_engine(batch))
        x = torch.cat([batch["c1"], batch["c2"], batch["i1"], batch["i2"]], dim=1)
        return self.deep.output(torch.relu(self.deep.tower.linear0(x))).squeeze(1)


def mlp_dataset(path):
    from recis.io import OrcDataset

    dataset = OrcDataset(500, transform_fn=[lambda x: x[0]])
    dataset.add_path(str(path))
    for name in ("label", "i1", "i2"):
        dataset.fixedlen_feature(name, [0.0])
    for name in ("c1", "c2"):
        dataset.varlen_feature(name)
    return dataset


def python_eval_auc(model, eval_dir):
    from recis.metrics import exact_auc

    model.eval()
    scores, labels = [], []
    with torch.no_grad():
        for is_end, batch in mlp_dataset(eval_dir):
            if is_end:
                break
            scores.append(torch.sigmoid(model(batch)))
            labels.append(batch["label"].reshape(-1))
    return exact_auc(torch.cat(scores), torch.cat(labels))


@pytest.fixture(scope="module")
def mlp_setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("mlp")
    run_recis("gen-data", "--rows", 4000, "--out", root / "train", "--seed", 2)
    run_recis("gen-data", "--rows", 1000, "--first-row", 4000, "--out", root / "eval",
              "--seed", 2)
    return root


def write_config(root, output):
    config = root / f"{output}.toml"
    config.write_text(MLP_CONFIG.format(train=root / "train", eval=root / "eval",
                                        output=root / output))
    return config


def test_recis_train_checkpoint_loads_into_python_model(mlp_setup):
    config = write_config(mlp_setup, "cli-out")
    run_recis("--threads", 2, "train", "--config", config)
    cli_auc = last_json_line(run_recis("eval", "--config", config, "--checkpoint",
                                       mlp_setup / "cli-out").stdout)["auc"]
    model = MlpMirror()
    sparse = SparseAdam(filter_out_sparse_param(model), lr=0.01)
    dense = torch.optim.Adam(model.parameters(), lr=0.01)
    saver = Saver(model, sparse, output_dir=str(mlp_setup / "cli-out"))
    saver.register_for_checkpointing("dense_optimizer", dense)
    state = saver.load()
    assert state["step"] == 8 and sparse.step_count == 8
    assert int(dense.state_dict()["state"][0]["step"]) == 8
    assert python_eval_auc(model, mlp_setup / "eval") == pytest.approx(cli_auc, abs=1e-6)


def test_python_checkpoint_scores_in_recis_eval(mlp_setup):
    torch.manual_seed(3)
    model = MlpMirror()
    sparse = SparseAdamW(filter_out_sparse_param(model), lr=0.01)
    dense = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.BCEWithLogitsLoss()
    for is_end, batch in mlp_dataset(mlp_setup / "train"):
        if is_end:
            break
        loss = loss_fn(model(batch), batch["label"].reshape(-1))
        loss.backward()
        dense.step()
        sparse.step()
        dense.zero_grad()
        sparse.zero_grad()
    saver = Saver(model, sparse, output_dir=str(mlp_setup / "py-out"))
    saver.register_for_checkpointing("dense_optimizer", dense)
    path = saver.save("ckpt_8")
    python_auc = python_eval_auc(model, mlp_setup / "eval")
    config = write_config(mlp_setup, "py-out")
    result = last_json_line(run_recis("eval", "--config", config, "--checkpoint", path).stdout)
    assert result["auc"] == pytest.approx(python_auc, abs=1e-6)

"""Our checkpoint format (docs/checkpoints.md) from Python: what a model's tables, dense state
and optimizers become on disk, and back. One checkpoint is OUTPUT/ckpt-STEP:

  sparse/<shared name>.safetensors  rows of each table (with the sparse optimizer's slots)
  dense/model.safetensors           the model's dense state_dict (parameters and buffers)
  dense/optimizer.safetensors       the dense optimizer's state, "<parameter>/<kind>"
  trainer.json                      step, sparse optimizer state, torch's CPU RNG state
  data.json                         a registered dataset's exact position
  python.json                       other registered objects' (JSON) state

Distributed (Python's default process group adopted, recis/_distributed.py): every rank writes
the rows it owns as sparse/<shared name>.part-R-of-W.safetensors and its own data position and
RNG as ranks/R-of-W.json (as `recis train` under torchrun does); rank 0 writes the rest. Loading
takes the rows each rank owns now from every part; the data positions need the same world size.

written atomically by the engine (staging directory, manifest with CRC-32C, rename, `latest`),
so `recis ckpt inspect` and `recis eval` read it, and a `recis train` checkpoint loads into the
same model defined in Python. Every file is checked against the manifest when read.
"""

import json
from typing import Dict, Optional

import torch

from recis import _C
from recis._distributed import rank_and_world
from recis.nn.modules.hashtable import HashTable

MODEL_FILE = "dense/model.safetensors"
OPTIMIZER_FILE = "dense/optimizer.safetensors"
TRAINER_FILE = "trainer.json"
DATA_FILE = "data.json"
PYTHON_FILE = "python.json"


def rank_file(rank: int, world: int) -> str:
    """A rank's own state in a distributed checkpoint (the CLI's name and format)."""
    return f"ranks/{rank}-of-{world}.json"
TRAINER_FORMAT = "recis-trainer-state"


def handles_of(model: torch.nn.Module):
    """The distinct table handles of a model's engines, checking shared names are unique."""
    handles, seen = [], {}
    for module in model.modules():
        if not isinstance(module, HashTable):
            continue
        if any(h is module._handle for h in handles):
            continue
        for child in module.child_names:
            if child in seen:
                raise ValueError(
                    f"shared name '{child}' is used by two embedding engines of the model; "
                    "checkpoints need unique shared names"
                )
            seen[child] = module
        handles.append(module._handle)
    return handles


def dense_state(model: torch.nn.Module) -> Dict[str, torch.Tensor]:
    return {
        name: tensor.detach().cpu().contiguous()
        for name, tensor in model.state_dict().items()
        if isinstance(tensor, torch.Tensor)
    }


def _parameter_names(model, optimizer):
    names = {id(p): n for n, p in model.named_parameters()}
    order = []
    for group in optimizer.param_groups:
        for param in group["params"]:
            if id(param) not in names:
                raise ValueError("the dense optimizer holds a parameter the model does not have")
            order.append(names[id(param)])
    return order


def optimizer_tensors(model, optimizer) -> Dict[str, torch.Tensor]:
    """A torch optimizer's per-parameter state as "<parameter>/<kind>" tensors."""
    order = _parameter_names(model, optimizer)
    tensors = {}
    for index, state in optimizer.state_dict()["state"].items():
        for kind, value in state.items():
            if not isinstance(value, torch.Tensor):
                value = torch.tensor(value)
            tensors[f"{order[index]}/{kind}"] = value.detach().cpu().contiguous()
    return tensors


def load_optimizer_tensors(model, optimizer, tensors: Dict[str, torch.Tensor], where: str):
    order = _parameter_names(model, optimizer)
    index_of = {name: i for i, name in enumerate(order)}
    state = {}
    for key, value in tensors.items():
        name, _, kind = key.rpartition("/")
        if name not in index_of:
            raise ValueError(f"{where}: state of '{name}', which the optimizer does not hold")
        if kind == "step":
            value = value.to(torch.float32)
        state.setdefault(index_of[name], {})[kind] = value
    saved = optimizer.state_dict()
    optimizer.load_state_dict({"state": state, "param_groups": saved["param_groups"]})


def save(
    output_dir: str,
    step: int,
    model: torch.nn.Module,
    sparse_optimizer=None,
    dense_optimizer=None,
    dataset=None,
    extra: Optional[dict] = None,
    keep: int = 0,
) -> str:
    """Writes OUTPUT/ckpt-STEP and returns its path. Distributed, every rank calls it alike."""
    rank, world = rank_and_world()
    files = {MODEL_FILE: dense_state(model)}
    if dense_optimizer is not None:
        files[OPTIMIZER_FILE] = optimizer_tensors(model, dense_optimizer)
    generator = torch.get_rng_state().numpy().tobytes().hex()
    trainer = {
        "format": TRAINER_FORMAT,
        "step": int(step),
        "micro_batches": 0,
        "samples": 0,
        "step_loss": 0.0,
        "cpu_generator": generator,
        "world_size": world,
        "config": "python",
    }
    if sparse_optimizer is not None:
        trainer["sparse_optimizer"] = sparse_optimizer.state_dict()
    texts = {TRAINER_FILE: json.dumps(trainer, indent=2) + "\n"}
    position = None
    if dataset is not None:
        state = dataset.dump_io_state()
        position = next(iter(state.values())) if state else None
    if extra:
        texts[PYTHON_FILE] = json.dumps(extra, indent=2) + "\n"
    if world == 1:
        if position is not None:
            texts[DATA_FILE] = position + "\n"
    else:
        if rank != 0:
            files, texts = {}, {}
        mine = {"cpu_generator": generator}
        if position is not None:
            mine["data"] = json.loads(position)
        texts[rank_file(rank, world)] = json.dumps(mine, indent=2) + "\n"
    return _C.save_checkpoint(str(output_dir), int(step), handles_of(model), files, texts, int(keep))


def restore_rng(trainer_state: dict):
    """Puts back torch's CPU RNG as save() recorded it in trainer.json."""
    state = trainer_state.get("cpu_generator")
    if state:
        torch.set_rng_state(torch.frombuffer(bytearray.fromhex(state), dtype=torch.uint8))


def load(
    path: str,
    model: torch.nn.Module,
    sparse_optimizer=None,
    dense_optimizer=None,
    dataset=None,
    strict: bool = True,
) -> dict:
    """Loads a checkpoint (a ckpt-STEP directory, or an output directory's latest) into the
    model's tables and dense state, and the optimizers and dataset when given. Returns
    trainer.json with the python.json objects under "extra"."""
    directory = _C.resolve_checkpoint(str(path))
    listed = set(_C.listed_files(directory))
    _C.load_embeddings(directory, handles_of(model))
    model_tensors = _C.read_tensors(directory, MODEL_FILE)
    missing, unexpected = model.load_state_dict(model_tensors, strict=False)
    if strict and (missing or unexpected):
        raise ValueError(
            f"{directory}/{MODEL_FILE} does not fit the model: missing {sorted(missing)}, "
            f"unexpected {sorted(unexpected)}"
        )
    trainer = json.loads(_C.read_text(directory, TRAINER_FILE)) if TRAINER_FILE in listed else {}
    if dense_optimizer is not None and OPTIMIZER_FILE in listed:
        load_optimizer_tensors(
            model, dense_optimizer, _C.read_tensors(directory, OPTIMIZER_FILE),
            f"{directory}/{OPTIMIZER_FILE}",
        )
    if sparse_optimizer is not None and "sparse_optimizer" in trainer:
        sparse_optimizer.load_state_dict(trainer["sparse_optimizer"])
    rank, world = rank_and_world()
    saved_world = int(trainer.get("world_size", 1))
    if saved_world > 1 and rank_file(0, saved_world) in listed:
        if saved_world != world and dataset is not None:
            raise ValueError(f"{directory}: written by {saved_world} ranks; its data positions "
                             f"resume on {saved_world} ranks, not {world}")
        mine = json.loads(_C.read_text(directory, rank_file(rank, saved_world)))
        trainer["cpu_generator"] = mine.get("cpu_generator", trainer.get("cpu_generator"))
        if dataset is not None and "data" in mine:
            dataset.load_io_state({0: json.dumps(mine["data"])})
    elif dataset is not None and DATA_FILE in listed:
        dataset.load_io_state({0: _C.read_text(directory, DATA_FILE).strip()})
    if PYTHON_FILE in listed:
        trainer["extra"] = json.loads(_C.read_text(directory, PYTHON_FILE))
    trainer["path"] = directory
    return trainer

"""Trains the deepctr example (every feature op kind, shared tables, tile sequences) with
recis.framework.Trainer and prints the evaluation as one JSON line.

    python3 examples/python/deepctr/make_data.py --recis build/bin/recis --rows 20000 \\
        --out data/deepctr/train.orc
    python3 examples/python/deepctr/make_data.py --recis build/bin/recis --rows 5000 \\
        --first-row 20000 --seed 2 --out data/deepctr/eval.orc
    PYTHONPATH=build/python /usr/bin/python3 examples/python/deepctr/runner.py \\
        --train_paths data/deepctr/train.orc --eval_paths data/deepctr/eval.orc
"""

import json
import os
import sys
from dataclasses import dataclass, field
from typing import List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
from model import DeepCTR  # noqa: E402

import recis  # noqa: E402
from recis.framework import Trainer, TrainingArguments  # noqa: E402
from recis.io import OrcDataset  # noqa: E402
from recis.nn.modules.hashtable import filter_out_sparse_param  # noqa: E402
from recis.optim import SparseAdamWTF  # noqa: E402
from recis.utils.parser import ArgumentParser  # noqa: E402


@dataclass
class DataArguments:
    train_paths: List[str] = field(default_factory=lambda: ["data/deepctr/train.orc"])
    eval_paths: List[str] = field(default_factory=lambda: ["data/deepctr/eval.orc"])
    batch_size: int = 512
    threads: int = 0
    sparse_lr: float = 0.01
    dense_lr: float = 0.001
    seed: int = 1


def get_dataset(paths, batch_size):
    dataset = OrcDataset(batch_size, read_threads_num=2, transform_fn=[lambda parts: parts[0]])
    dataset.add_paths(paths)
    dataset.fixedlen_feature("label", [0.0])
    dataset.fixedlen_feature("dense1", [0.0] * 8)
    dataset.fixedlen_feature("dense2", [0.0])
    for name in ("sparse1", "sparse2", "sparse3", "sparse4"):
        dataset.varlen_feature(name)
    dataset.varlen_feature("sparse5", trans_int8=True)  # byte strings, hashed by the Hash op
    return dataset


def main():
    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_arguments(DataArguments, dest="data")
    parser.add_arguments(TrainingArguments, dest="train",
                         default=TrainingArguments(output_dir="recis-out/deepctr", log_steps=10,
                                                   save_steps=1000, max_to_keep=3))
    args = parser.parse_args()
    data, train_args = args.data, args.train
    recis.set_num_threads(data.threads)
    torch.manual_seed(data.seed)
    model = DeepCTR()
    sparse_optimizer = SparseAdamWTF(filter_out_sparse_param(model), lr=data.sparse_lr)
    dense_optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=data.dense_lr)
    trainer = Trainer(model=model, args=train_args,
                      train_dataset=get_dataset(data.train_paths, data.batch_size),
                      eval_dataset=get_dataset(data.eval_paths, data.batch_size),
                      dense_optimizers=(dense_optimizer, None), sparse_optimizer=sparse_optimizer)
    result = trainer.train_and_evaluate()
    print(json.dumps({"auc": result["auc"], "logloss": result["loss"],
                      "steps": trainer.global_step, "eval_samples": result["samples"]}))


if __name__ == "__main__":
    main()

"""Trains the DeepFM example with recis.framework.Trainer and prints the evaluation as one JSON
line. RecIS's runner structure: dataclass arguments from the command line, the model, a sparse
optimizer for the tables, a torch optimizer for the rest, a Trainer.

    recis gen-data --rows 1000000 --parts 4 --out data/train
    recis gen-data --rows 100000 --first-row 1000000 --out data/eval
    PYTHONPATH=build/python /usr/bin/python3 examples/python/deepfm/runner.py \\
        --train_paths data/train --eval_paths data/eval --output_dir recis-out/deepfm-python

Add --mixed_precision bf16 for bf16 autocast (fast only on CPUs with native bf16), --help for
every argument. Under torchrun each rank reads its own shard (RANK, WORLD_SIZE) and the Trainer
joins the job (init_process_group("gloo")):

    torchrun --nproc_per_node 2 examples/python/deepfm/runner.py --train_paths data/train ...
"""

import json
import os
import sys
from dataclasses import dataclass, field
from typing import List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
from dataset import get_dataset  # noqa: E402
from model import DeepFM  # noqa: E402

import recis  # noqa: E402
from recis.framework import Trainer, TrainingArguments  # noqa: E402
from recis.nn.modules.hashtable import filter_out_sparse_param  # noqa: E402
from recis.optim import SparseAdam  # noqa: E402
from recis.utils.logger import Logger  # noqa: E402
from recis.utils.parser import ArgumentParser  # noqa: E402

logger = Logger(__name__)


@dataclass
class DataArguments:
    train_paths: List[str] = field(default_factory=lambda: ["data/train"])
    eval_paths: List[str] = field(default_factory=lambda: ["data/eval"])
    batch_size: int = 4096
    read_threads: int = 2
    threads: int = 0  # compute threads; 0: the CPUs this process may use
    sparse_lr: float = 0.002
    dense_lr: float = 0.001
    seed: int = 1


def main():
    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_arguments(DataArguments, dest="data")
    parser.add_arguments(TrainingArguments, dest="train",
                         default=TrainingArguments(output_dir="recis-out/deepfm-python",
                                                   log_steps=20, save_steps=0))
    args = parser.parse_args()
    data, train_args = args.data, args.train
    recis.set_num_threads(data.threads)
    torch.manual_seed(data.seed)
    rank, world = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))

    model = DeepFM()
    sparse_optimizer = SparseAdam(filter_out_sparse_param(model), lr=data.sparse_lr)
    dense_optimizer = torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=data.dense_lr)
    trainer = Trainer(
        model=model,
        args=train_args,
        train_dataset=get_dataset(data.train_paths, data.batch_size, data.read_threads,
                                  worker_idx=rank, worker_num=world),
        eval_dataset=get_dataset(data.eval_paths, data.batch_size, data.read_threads),
        dense_optimizers=(dense_optimizer, None),
        sparse_optimizer=sparse_optimizer,
    )
    result = trainer.train_and_evaluate()
    print(json.dumps({"auc": result["auc"], "logloss": result["loss"],
                      "steps": trainer.global_step, "eval_samples": result["samples"],
                      "samples_per_s": trainer.train_summary.get("samples_per_s", 0.0)}))


if __name__ == "__main__":
    main()

"""Trains the seq2seq example (3-level id sequences, mean-pooled steps, a causal Transformer under
bf16 autocast, in-batch contrastive loss) on `recis gen-data --with-sequence` output, whose
`hist_steps` column holds each row's history as [item, category] steps, and prints the eval
hit rate as one JSON line.

    recis gen-data --rows 20000 --with-sequence --out data/seq/train
    recis gen-data --rows 5000 --first-row 20000 --with-sequence --out data/seq/eval
    PYTHONPATH=build/python /usr/bin/python3 examples/python/seq2seq/runner.py \\
        --train_paths data/seq/train --eval_paths data/seq/eval

bf16 autocast is fast on CPUs with native bf16 math; --mixed_precision no runs float32.
"""

import json
import os
import sys
from dataclasses import dataclass, field
from typing import List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
from model import Seq2Seq  # noqa: E402

import recis  # noqa: E402
from recis.framework import Trainer, TrainingArguments  # noqa: E402
from recis.io import OrcDataset  # noqa: E402
from recis.nn.modules.hashtable import filter_out_sparse_param  # noqa: E402
from recis.optim import SparseAdamW  # noqa: E402
from recis.utils.parser import ArgumentParser  # noqa: E402


@dataclass
class DataArguments:
    train_paths: List[str] = field(default_factory=lambda: ["data/seq/train"])
    eval_paths: List[str] = field(default_factory=lambda: ["data/seq/eval"])
    batch_size: int = 64
    threads: int = 0
    sparse_lr: float = 0.05
    dense_lr: float = 0.005
    seed: int = 1


def with_step_counts(parts):
    batch = parts[0]
    offsets = batch["hist_steps"].offsets()[0]
    batch["steps_count"] = offsets[1:] - offsets[:-1]
    return batch


def get_dataset(paths, batch_size):
    dataset = OrcDataset(batch_size, read_threads_num=2, transform_fn=[with_step_counts])
    dataset.add_paths(paths)
    dataset.varlen_feature("hist_steps")
    return dataset


def main():
    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_arguments(DataArguments, dest="data")
    parser.add_arguments(TrainingArguments, dest="train",
                         default=TrainingArguments(output_dir="recis-out/seq2seq", log_steps=20,
                                                   save_steps=2000, mixed_precision="bf16"))
    args = parser.parse_args()
    data, train_args = args.data, args.train
    if train_args.mixed_precision == "no":
        train_args.mixed_precision = None
    recis.set_num_threads(data.threads)
    torch.manual_seed(data.seed)
    model = Seq2Seq()
    sparse_optimizer = SparseAdamW(filter_out_sparse_param(model), lr=data.sparse_lr)
    dense_optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=data.dense_lr)
    trainer = Trainer(model=model, args=train_args,
                      train_dataset=get_dataset(data.train_paths, data.batch_size),
                      eval_dataset=get_dataset(data.eval_paths, data.batch_size),
                      dense_optimizers=(dense_optimizer, None), sparse_optimizer=sparse_optimizer)
    result = trainer.train_and_evaluate()
    print(json.dumps({"hit_rate": result["hit_rate"], "loss": result["loss"],
                      "steps": trainer.global_step, "eval_samples": result["samples"]}))


if __name__ == "__main__":
    main()

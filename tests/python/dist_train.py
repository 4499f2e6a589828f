"""One rank of test_distributed.py's jobs: trains tests/python/ctr_model.py's CtrModel with
recis.framework.Trainer on DATA (each rank its shard) and writes OUT/rank<R>.pt: the rows of every
table (sorted by id), the dense parameters, the per-step losses and the evaluation.

    dist_train.py DATA OUT BATCH [--ddp] [--die-after-step N] [--epochs N] [--save-steps N]
                  [--stop-at N]

The ranks share one output directory (OUT/run: metrics files, checkpoints); a second run on it
resumes from its latest checkpoint.

With WORLD_SIZE > 1 it joins the job with init_process_group("gloo") as a user's script does,
or leaves that to the Trainer (--trainer-joins, as RecIS scripts do).
"""

import argparse
import datetime
import os
import sys

import torch
import torch.distributed as dist

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ctr_model import CtrModel, make_dataset  # noqa: E402
from recis.framework import Trainer, TrainingArguments  # noqa: E402
from recis.hooks import Hook  # noqa: E402
from recis.nn.modules.hashtable import filter_out_sparse_param  # noqa: E402
from recis.optim import SparseAdam  # noqa: E402


class Losses(Hook):
    def __init__(self, die_after, stop_at):
        self.losses, self.die_after, self.stop_at = [], die_after, stop_at
        self.trainer = None

    def after_step(self, metrics=None, global_step=0):
        if "epoch" in metrics:  # training steps only
            self.losses.append(float(metrics["loss"]))
            if global_step == self.die_after:
                os._exit(3)
            if global_step == self.stop_at:
                self.trainer.request_stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("out")
    parser.add_argument("batch", type=int)
    parser.add_argument("--ddp", action="store_true")
    parser.add_argument("--trainer-joins", action="store_true")
    parser.add_argument("--die-after-step", type=int, default=-1)  # the last rank exits there
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--save-steps", type=int, default=0)
    parser.add_argument("--stop-at", type=int, default=-1)  # rank 0 asks to stop there
    args = parser.parse_args()
    rank, world = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    if world > 1 and not args.trainer_joins:
        dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=20))
    torch.manual_seed(rank)  # the Trainer starts every rank from rank 0's dense parameters
    model = CtrModel()
    sparse = SparseAdam(filter_out_sparse_param(model), lr=0.01)
    dense = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=0.01)
    if args.ddp:
        model = torch.nn.parallel.DistributedDataParallel(model)
    losses = Losses(args.die_after_step if rank == world - 1 else -1,  # the last rank dies
                    args.stop_at if rank == 0 else -1)
    trainer = Trainer(
        model=model,
        args=TrainingArguments(output_dir=os.path.join(args.out, "run"),
                               save_steps=args.save_steps, save_end=args.save_steps > 0,
                               train_epoch=args.epochs, log_steps=1),
        train_dataset=make_dataset(f"{args.data}/train", args.batch, worker_idx=rank,
                                   worker_num=world),
        eval_dataset=make_dataset(f"{args.data}/eval", 500),
        hooks=[losses],
        dense_optimizers=(dense, None),
        sparse_optimizer=sparse,
    )
    losses.trainer = trainer
    result = trainer.train_and_evaluate()
    inner = model.module if args.ddp else model
    rows = {}
    for name, table in filter_out_sparse_param(inner).items():
        ids, values = table.ids(), table.embeddings()
        order = torch.argsort(ids)
        rows[name] = (ids[order], values[order])
    torch.save({"rows": rows, "dense": {k: v for k, v in inner.named_parameters()},
                "losses": losses.losses, "eval": result, "steps": trainer.global_step,
                "samples": trainer.train_summary["samples"]},
               os.path.join(args.out, f"rank{rank}.pt"))


if __name__ == "__main__":
    main()

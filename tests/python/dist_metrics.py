"""One rank of test_distributed.py's metrics job: joins with init_process_group("gloo"), scores its
half of a fixed random set with AUROC(dist_sync_on_step=True) and Gauc (rank r holds users
r, r+2, ...) and writes OUT/metrics<R>.pt. With WORLD_SIZE 1 it scores the whole set.

    dist_metrics.py OUT
"""

import os
import sys

import torch
import torch.distributed as dist

from recis.metrics import AUROC, Gauc


def whole_set():
    generator = torch.Generator().manual_seed(11)
    users = torch.randint(0, 40, (3000,), generator=generator)
    preds = torch.rand(3000, generator=generator)
    labels = (torch.rand(3000, generator=generator) < preds).long()
    return users, preds, labels


def main():
    out = sys.argv[1]
    rank, world = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    if world > 1:
        dist.init_process_group("gloo")
    users, preds, labels = whole_set()
    mine = users % world == rank
    auroc = AUROC(200, dist_sync_on_step=True)
    auroc.update(preds[mine], labels[mine])
    batch_gauc, _ = Gauc()(labels[mine], preds[mine], users[mine])
    torch.save({"auc": float(auroc.compute()), "tp": auroc.tp.clone(), "gauc": batch_gauc},
               os.path.join(out, f"metrics{rank}.pt"))


if __name__ == "__main__":
    main()

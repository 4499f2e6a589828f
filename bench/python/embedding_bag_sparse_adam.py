#!/usr/bin/python3
"""The sparse step of `recis bench embedding` as a PyTorch user writes it: one
nn.EmbeddingBag(vocab, dim, mode="sum", sparse=True) per feature, the sum of every pooled output
as the loss, backward, torch.optim.SparseAdam(lr=0.001). Reads the ranks the bench wrote (int64,
feature-major, one per row), times the best of --repeats steps after a warm-up step and prints
{"seconds": ...} as its last line.

    embedding_bag_sparse_adam.py --ranks FILE --features N --batch-size B --vocab V --dim D \\
        --repeats R --threads T
"""

import argparse
import numpy as np
import torch
from torch import nn

from step_timing import report_best_step  # bench/python/step_timing.py


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ranks", required=True)
    for flag in ("--features", "--batch-size", "--vocab", "--dim", "--repeats", "--threads"):
        parser.add_argument(flag, type=int, required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    ranks = torch.from_numpy(np.fromfile(args.ranks, dtype="<i8")).view(args.features,
                                                                          args.batch_size)
    offsets = torch.arange(args.batch_size, dtype=torch.int64)
    bags = nn.ModuleList(nn.EmbeddingBag(args.vocab, args.dim, mode="sum", sparse=True)
                         for _ in range(args.features))
    for bag in bags:
        nn.init.uniform_(bag.weight, -0.01, 0.01)
    optimizer = torch.optim.SparseAdam(list(bags.parameters()), lr=0.001)

    report_best_step(lambda: sum(bag(ranks[f], offsets).sum() for f, bag in enumerate(bags)),
                     optimizer, args.repeats)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""DeepFM as a PyTorch user writes it today: the baseline of `recis bench train`.

Reads the arrays `recis bench train` exported (meta.json + raw little-endian files: per sparse
column int64 offsets [N+1] and ids, float32 dense [N, D] already log1p'ed, float32 labels [N])
for a train and an eval split, trains one epoch with nn.EmbeddingBag(sparse=True) over hashed
fixed-size tables (id % buckets), SparseAdam for the embeddings and Adam for the dense layers,
then prints one JSON line: samples_per_s (training loop only), auc, logloss, steps.
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def load(split_dir, meta):
    n = meta["rows"]
    cols = []
    for name in meta["sparse"]:
        offsets = torch.from_numpy(np.fromfile(f"{split_dir}/{name}.offsets", dtype="<i8"))
        ids = torch.from_numpy(np.fromfile(f"{split_dir}/{name}.ids", dtype="<i8"))
        cols.append((offsets, ids))
    dense = torch.from_numpy(np.fromfile(f"{split_dir}/dense.f32", dtype="<f4")).view(n, -1)
    labels = torch.from_numpy(np.fromfile(f"{split_dir}/labels.f32", dtype="<f4"))
    return cols, dense, labels


def batch_of(cols, dense, labels, begin, end, buckets):
    """EmbeddingBag inputs (ids, offsets) per column for rows [begin, end)."""
    inputs = []
    for offsets, ids in cols:
        lo, hi = int(offsets[begin]), int(offsets[end])
        inputs.append((torch.remainder(ids[lo:hi], buckets), offsets[begin:end] - lo))
    return inputs, dense[begin:end], labels[begin:end]


class DeepFM(nn.Module):
    def __init__(self, num_sparse, num_dense, dim, buckets, hidden):
        super().__init__()
        self.embeddings = nn.ModuleList(
            nn.EmbeddingBag(buckets, dim, mode="sum", sparse=True) for _ in range(num_sparse))
        self.wide = nn.ModuleList(
            nn.EmbeddingBag(buckets, 1, mode="sum", sparse=True) for _ in range(num_sparse))
        for table in self.embeddings:
            nn.init.uniform_(table.weight, -0.05, 0.05)
        for table in self.wide:
            nn.init.zeros_(table.weight)
        self.dense_linear = nn.Linear(num_dense, 1)
        layers, width = [], num_sparse * dim + num_dense
        for size in hidden:
            layers += [nn.Linear(width, size), nn.ReLU()]
            width = size
        layers.append(nn.Linear(width, 1))
        self.mlp = nn.Sequential(*layers)

    def forward(self, inputs, dense):
        v = torch.stack([t(ids, off) for t, (ids, off) in zip(self.embeddings, inputs)], 1)
        first = sum(t(ids, off) for t, (ids, off) in zip(self.wide, inputs)) + self.dense_linear(dense)
        fm = 0.5 * (v.sum(1).pow(2) - v.pow(2).sum(1)).sum(1, keepdim=True)
        deep = self.mlp(torch.cat([v.flatten(1), dense], 1))
        return (first + fm + deep).squeeze(1)


def auc(scores, labels):
    order = torch.argsort(scores)
    ranks = torch.empty_like(scores, dtype=torch.float64)
    ranks[order] = torch.arange(1, len(scores) + 1, dtype=torch.float64)
    # Average ranks over ties.
    sorted_scores = scores[order]
    _, inverse, counts = torch.unique_consecutive(sorted_scores, return_inverse=True, return_counts=True)
    ends = torch.cumsum(counts, 0).to(torch.float64)
    average = ends - (counts.to(torch.float64) - 1) / 2
    ranks[order] = average[inverse]
    positive = labels > 0.5
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def main():
    data_dir, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    meta = json.load(open(f"{data_dir}/meta.json"))
    buckets, batch = meta["buckets"], meta["batch_size"]
    train = load(f"{data_dir}/train", meta["train"] | meta)
    evaluation = load(f"{data_dir}/eval", meta["eval"] | meta)
    model = DeepFM(len(meta["sparse"]), len(meta["dense"]), meta["dim"], buckets, meta["hidden"])
    sparse_params = [p for t in list(model.embeddings) + list(model.wide) for p in t.parameters()]
    dense_params = list(model.dense_linear.parameters()) + list(model.mlp.parameters())
    sparse_opt = torch.optim.SparseAdam(sparse_params, lr=meta["sparse_lr"])
    dense_opt = torch.optim.Adam(dense_params, lr=meta["dense_lr"])
    loss_fn = nn.BCEWithLogitsLoss()

    n = meta["train"]["rows"]
    steps = 0
    start = time.perf_counter()
    for begin in range(0, n, batch):
        inputs, dense, labels = batch_of(*train, begin, min(n, begin + batch), buckets)
        loss = loss_fn(model(inputs, dense), labels)
        sparse_opt.zero_grad()
        dense_opt.zero_grad()
        loss.backward()
        sparse_opt.step()
        dense_opt.step()
        steps += 1
    seconds = time.perf_counter() - start

    model.eval()
    scores, all_labels = [], []
    m = meta["eval"]["rows"]
    with torch.no_grad():
        for begin in range(0, m, batch):
            inputs, dense, labels = batch_of(*evaluation, begin, min(m, begin + batch), buckets)
            scores.append(torch.sigmoid(model(inputs, dense)))
            all_labels.append(labels)
    scores, all_labels = torch.cat(scores), torch.cat(all_labels)
    p = scores.clamp(1e-7, 1 - 1e-7)
    logloss = float(-(all_labels * p.log() + (1 - all_labels) * (1 - p).log()).mean())
    print(json.dumps({"samples_per_s": n / seconds, "seconds": seconds, "steps": steps,
                      "auc": auc(scores.double(), all_labels), "logloss": logloss}))


if __name__ == "__main__":
    main()

"""The embedding + sparse Adam step of `recis bench python-embedding`, driven from Python as a
RecIS user drives it: a dict of RaggedTensors -> recis.nn.EmbeddingEngine -> loss.backward() ->
recis.optim.SparseAdam.step(). Reads the ids the bench wrote (int64, feature-major), times the
best of --repeats steps after a warm-up step and prints {"seconds": ...} as its last line."""

import argparse
import numpy as np
import torch

import recis
from recis.nn import EmbeddingEngine, EmbeddingOption
from recis.nn.initializers import UniformInitializer
from recis.nn.modules.hashtable import filter_out_sparse_param
from recis.optim import SparseAdam
from recis.ragged.tensor import RaggedTensor

from step_timing import report_best_step  # bench/python/step_timing.py


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ids", required=True)
    for flag in ("--features", "--batch-size", "--dim", "--repeats", "--threads"):
        parser.add_argument(flag, type=int, required=True)
    args = parser.parse_args()
    recis.set_num_threads(args.threads)

    ids = torch.from_numpy(np.fromfile(args.ids, dtype="<i8")).view(args.features, args.batch_size)
    offsets = torch.arange(args.batch_size + 1, dtype=torch.int64)
    names = [f"c{f + 1}" for f in range(args.features)]
    batch = {name: RaggedTensor(ids[f].contiguous(), [offsets]) for f, name in enumerate(names)}
    engine = EmbeddingEngine({
        name: EmbeddingOption(embedding_dim=args.dim, shared_name=name,
                              initializer=UniformInitializer(-0.01, 0.01))
        for name in names
    })
    optimizer = SparseAdam(filter_out_sparse_param(engine), lr=0.001)

    def loss():
        out = engine(batch)
        return sum(out[name].sum() for name in names)

    report_best_step(loss, optimizer, args.repeats)


if __name__ == "__main__":
    main()

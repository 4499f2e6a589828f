"""The quickstart of docs/python.md: a two-feature CTR model written as a RecIS user writes one,
trained for one epoch on `recis gen-data` output and scored on held-out rows.

    recis gen-data --rows 200000 --out data/train
    recis gen-data --rows 20000 --first-row 200000 --out data/eval
    PYTHONPATH=build/python /usr/bin/python3 examples/python/quickstart.py data/train data/eval

Prints one JSON line: {"auc": ..., "steps": ..., "train_loss": ...}.
"""

import argparse
import json

import torch
from torch import nn

from recis.features import FeatureEngine, Mod, SelectField
from recis.features.feature import Feature
from recis.io import OrcDataset
from recis.metrics.auroc import AUROC
from recis.nn import EmbeddingEngine, EmbeddingOption
from recis.nn.initializers import TruncNormalInitializer
from recis.nn.modules.hashtable import filter_out_sparse_param
from recis.optim import SparseAdamW

FEATURES = ["c12", "c17"]  # two small-vocabulary columns of gen-data


def make_dataset(path, batch_size):
    # Batches arrive as RecIS's structure: a list with one dict per batch part; take the first.
    dataset = OrcDataset(batch_size, read_threads_num=2, transform_fn=[lambda parts: parts[0]])
    dataset.add_path(path)
    dataset.fixedlen_feature("label", [0.0])
    for name in FEATURES:
        dataset.varlen_feature(name)
    return dataset


class CtrModel(nn.Module):
    def __init__(self, dim=16):
        super().__init__()
        # Feature ops run fused in the C++ feature engine; ids go to dynamic hash tables.
        self.feature_engine = FeatureEngine(
            [Feature(name).add_op(SelectField(name)).add_op(Mod(1_000_000)) for name in FEATURES])
        self.embedding_engine = EmbeddingEngine({
            name: EmbeddingOption(embedding_dim=dim, shared_name=name, combiner="sum",
                                  initializer=TruncNormalInitializer(std=0.01))
            for name in FEATURES
        })
        self.dnn = nn.Sequential(nn.Linear(dim * len(FEATURES), 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, batch):
        batch = self.embedding_engine(self.feature_engine(batch))
        return self.dnn(torch.cat([batch[name] for name in FEATURES], dim=1)).squeeze(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("train")
    parser.add_argument("eval")
    parser.add_argument("--batch-size", type=int, default=512)
    args = parser.parse_args()
    torch.manual_seed(0)

    model = CtrModel()
    sparse_optimizer = SparseAdamW(filter_out_sparse_param(model), lr=0.05)
    dense_optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    loss_fn = nn.BCEWithLogitsLoss()

    model.train()
    steps, loss = 0, torch.tensor(0.0)
    for is_end, batch in make_dataset(args.train, args.batch_size):
        if is_end:
            break
        loss = loss_fn(model(batch), batch["label"].squeeze(1))
        sparse_optimizer.zero_grad()
        dense_optimizer.zero_grad()
        loss.backward()
        sparse_optimizer.step()
        dense_optimizer.step()
        steps += 1

    model.eval()
    auc = AUROC(num_thresholds=1000)
    with torch.no_grad():
        for is_end, batch in make_dataset(args.eval, args.batch_size):
            if is_end:
                break
            auc.update(torch.sigmoid(model(batch)), batch["label"].squeeze(1))
    print(json.dumps({"auc": auc.compute().item(), "steps": steps, "train_loss": loss.item()}))


if __name__ == "__main__":
    main()

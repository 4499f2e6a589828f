"""A small CTR model written as a RecIS user writes one (FeatureEngine + EmbeddingEngine + a torch
MLP), on gen-data's columns; shared by the checkpoint and bench scripts' tests."""

import torch
from torch import nn

from recis.features import FeatureEngine, Mod, SelectField
from recis.features.feature import Feature
from recis.io import OrcDataset
from recis.nn import EmbeddingEngine, EmbeddingOption
from recis.nn.initializers import UniformInitializer

SPARSE = ["c1", "c2", "c3"]


def make_dataset(path, batch_size=256, **kwargs):
    dataset = OrcDataset(batch_size, read_threads_num=2, transform_fn=[lambda x: x[0]], **kwargs)
    dataset.add_path(str(path))
    dataset.fixedlen_feature("label", [0.0])
    for name in SPARSE:
        dataset.varlen_feature(name)
    return dataset


class CtrModel(nn.Module):
    def __init__(self, dim=8):
        super().__init__()
        self.feature_engine = FeatureEngine(
            [Feature(n).add_op(SelectField(n)).add_op(Mod(5000)) for n in SPARSE])
        self.embedding_engine = EmbeddingEngine({
            n: EmbeddingOption(embedding_dim=dim, shared_name=n,
                               initializer=UniformInitializer(-0.05, 0.05))
            for n in SPARSE
        })
        self.dnn = nn.Sequential(nn.Linear(dim * len(SPARSE), 16), nn.ReLU(), nn.Linear(16, 1))
        self.loss_fn = nn.BCEWithLogitsLoss()

    def forward(self, batch):
        batch = self.embedding_engine(self.feature_engine(batch))
        logits = self.dnn(torch.cat([batch[n] for n in SPARSE], dim=1)).squeeze(1)
        self.last_logits = logits.detach()
        return self.loss_fn(logits, batch["label"].squeeze(1))

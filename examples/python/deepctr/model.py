"""The deepctr example's model: every embedding (and the 8 raw dense values) concatenated into a
DNN 128 -> 64 -> 32 -> 1, BCE loss, AUC reported with add_metric."""

import torch
from feature_config import embedding_options, features
from torch import nn

from recis.features import FeatureEngine
from recis.framework.metrics import add_metric
from recis.metrics.auroc import AUROC
from recis.nn import EmbeddingEngine


class DeepCTR(nn.Module):
    def __init__(self):
        super().__init__()
        self.feature_engine = FeatureEngine(features())
        options = embedding_options()
        self.embedding_engine = EmbeddingEngine(options)
        self.embedded = list(options)
        width = 8 + sum(o.embedding_dim * (o.combiner_kwargs or {}).get("tile_len", 1)
                        for o in options.values())
        self.dnn = nn.Sequential(nn.Linear(width, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                                 nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))
        self.loss_fn = nn.BCEWithLogitsLoss()
        self.auc = AUROC(num_thresholds=200)

    def forward(self, batch):
        out = self.embedding_engine(self.feature_engine(batch))
        parts = [out["dense1"].float()] + [out[name].flatten(1) for name in self.embedded]
        logits = self.dnn(torch.cat(parts, dim=1)).squeeze(1)
        labels = out["label"].reshape(-1).float()
        self.auc.update(torch.sigmoid(logits), labels)
        add_metric("auc", self.auc.compute())
        return self.loss_fn(logits, labels)

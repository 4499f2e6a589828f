"""DeepFM (Guo et al. 2017) written as a RecIS user writes it: a sparse part (FeatureEngine +
EmbeddingEngine) and a dense part of plain torch layers; forward returns the loss and reports
the AUC with add_metric. The same model as `[model] type = "deepfm"` of examples/deepfm.toml:

    logit = first order (id weights + linear over log1p counts + bias)
          + FM (sum over pairs of id vectors of their dot products)
          + deep (MLP over the id vectors and the counts)
"""

import torch
from feature_config import DENSE_FEATURES, EMBEDDING_DIM, HIDDEN, LABEL, SPARSE_FEATURES
from torch import nn

from recis.features import FeatureEngine, SelectField
from recis.features.feature import Feature
from recis.features.op import Log1p
from recis.framework.metrics import add_metric
from recis.metrics.auroc import AUROC
from recis.nn import EmbeddingEngine, EmbeddingOption
from recis.nn.initializers import ConstantInitializer, UniformInitializer


def build_features():
    features = [Feature(name).add_op(SelectField(name)).add_op(Log1p()) for name in DENSE_FEATURES]
    for name in SPARSE_FEATURES:
        features.append(Feature(f"{name}_emb").add_op(SelectField(name)))
        features.append(Feature(f"{name}_bias").add_op(SelectField(name)))
    return features


def build_embedding_options():
    # Options that agree (dim, initializer, ...) share one physical table: two tables in all.
    options = {}
    for name in SPARSE_FEATURES:
        options[f"{name}_emb"] = EmbeddingOption(
            embedding_dim=EMBEDDING_DIM, shared_name=f"{name}_emb", combiner="sum",
            initializer=UniformInitializer(-0.05, 0.05))
        options[f"{name}_bias"] = EmbeddingOption(
            embedding_dim=1, shared_name=f"{name}_bias", combiner="sum",
            initializer=ConstantInitializer(0.0))
    return options


def mlp(width, hidden):
    layers = []
    for size in hidden:
        layers += [nn.Linear(width, size), nn.ReLU()]
        width = size
    return nn.Sequential(*layers, nn.Linear(width, 1))


class DeepFM(nn.Module):
    def __init__(self):
        super().__init__()
        self.feature_engine = FeatureEngine(build_features())
        self.embedding_engine = EmbeddingEngine(build_embedding_options())
        dense = len(DENSE_FEATURES)
        self.dense_linear = nn.Linear(dense, 1)
        self.deep = mlp(len(SPARSE_FEATURES) * EMBEDDING_DIM + dense, HIDDEN)
        self.loss_fn = nn.BCEWithLogitsLoss()
        self.auc = AUROC(num_thresholds=200)

    def logits(self, batch):
        batch = self.embedding_engine(self.feature_engine(batch))
        dense = torch.cat([batch[name].float() for name in DENSE_FEATURES], dim=1)
        vectors = torch.stack([batch[f"{name}_emb"] for name in SPARSE_FEATURES], dim=1)
        weights = torch.cat([batch[f"{name}_bias"] for name in SPARSE_FEATURES], dim=1)
        first_order = weights.sum(1) + self.dense_linear(dense).squeeze(1)
        fm = 0.5 * (vectors.sum(1).square() - vectors.square().sum(1)).sum(1)
        deep = self.deep(torch.cat([vectors.flatten(1), dense], dim=1)).squeeze(1)
        return first_order + fm + deep

    def forward(self, batch):
        logits = self.logits(batch).float()
        labels = batch[LABEL].reshape(-1).float()
        self.auc.update(torch.sigmoid(logits), labels)
        add_metric("auc", self.auc.compute())
        return self.loss_fn(logits, labels)

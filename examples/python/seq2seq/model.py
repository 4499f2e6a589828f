"""A next-item model like RecIS's seq2seq example: each row's history as a 3-level sequence (a
list of steps, each step a list of ids: the item and its category), truncated to the last
SEQ_LEN steps and padded, one embedding per step (the mean of its ids' rows), a small pre-LN
causal Transformer, and an in-batch contrastive loss: the prediction at step t should be closer
(cosine) to the projected embedding of step t+1 than to every other step of the batch. Reports
the hit rate (the true next step among the TOP_K closest of the batch's steps) with add_metric.
"""

import torch
import torch.nn.functional as F
from torch import nn

from recis.features import FeatureEngine, SelectField, SequenceTruncate
from recis.features.feature import Feature
from recis.framework.metrics import add_metric
from recis.nn import EmbeddingEngine, EmbeddingOption
from recis.nn.initializers import TruncNormalInitializer

SEQ_LEN = 20
EMBEDDING_DIM = 32
HIDDEN = 64
TEMPERATURE = 0.1
TOP_K = 10  # a hit: the true next step among the K closest of the batch's steps


class Seq2Seq(nn.Module):
    def __init__(self, layers=2, heads=4):
        super().__init__()
        self.feature_engine = FeatureEngine([
            Feature("steps").add_op(SelectField("hist_steps")).add_op(
                SequenceTruncate(SEQ_LEN, truncate_side="left", n_dims=3)),
        ])
        self.embedding_engine = EmbeddingEngine({
            "steps": EmbeddingOption(embedding_dim=EMBEDDING_DIM, shared_name="item",
                                     combiner="mean",
                                     initializer=TruncNormalInitializer(std=0.1)),
        })
        self.input = nn.Linear(EMBEDDING_DIM, HIDDEN)
        self.position = nn.Parameter(torch.zeros(SEQ_LEN, HIDDEN))
        layer = nn.TransformerEncoderLayer(HIDDEN, heads, dim_feedforward=2 * HIDDEN,
                                           dropout=0.0, activation="gelu", batch_first=True,
                                           norm_first=True)
        self.transformer = nn.TransformerEncoder(layer, layers)
        self.head = nn.Linear(HIDDEN, HIDDEN)
        self.target = nn.Linear(EMBEDDING_DIM, HIDDEN)
        self.register_buffer("causal", torch.triu(torch.full((SEQ_LEN, SEQ_LEN), float("-inf")), 1))
        self.hits = 0
        self.predictions = 0

    def train(self, mode=True):
        # The hit rate counts from the last switch between training and evaluation.
        self.hits = self.predictions = 0
        return super().train(mode)

    def forward(self, batch):
        steps = self.embedding_engine(self.feature_engine(batch))["steps"]  # [B, SEQ_LEN, dim]
        lengths = batch["steps_count"].clamp(max=SEQ_LEN)
        x = self.transformer(self.input(steps) + self.position, mask=self.causal)
        # Step t predicts step t + 1, for the steps whose next one exists.
        valid = torch.arange(SEQ_LEN - 1).unsqueeze(0) < (lengths - 1).unsqueeze(1)
        predicted = F.normalize(self.head(x[:, :-1][valid]).float(), dim=-1)
        actual = F.normalize(self.target(steps[:, 1:][valid]).float(), dim=-1)
        logits = predicted @ actual.T / TEMPERATURE
        truth = torch.arange(logits.size(0))
        loss = F.cross_entropy(logits, truth)
        true_logit = logits.gather(1, truth.unsqueeze(1))
        self.hits += int(((logits > true_logit).sum(1) < TOP_K).sum())
        self.predictions += int(truth.numel())
        add_metric("hit_rate", self.hits / max(1, self.predictions))
        return loss

"""recis.metrics.gauc.Gauc: group AUC (RecIS's signature). Each group of equal indicator value
(a user, a session) gets its exact AUC; groups with one class are skipped; the mean is weighted
by group size. forward() returns (this batch's GAUC, the GAUC over every batch so far), summed
over ranks when torch.distributed is initialized. Unlike RecIS (which skips the first and last
group of a batch, a bug there), every group counts, and groups need not be contiguous."""

import torch

from recis import _C
from recis._distributed import all_reduce_sum


class Gauc(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self._counts = 0.0
        self._aucs = 0.0

    def reset(self):
        self._counts = 0.0
        self._aucs = 0.0

    @torch.no_grad()
    def forward(self, labels, predictions, indicators):
        labels = labels.detach().cpu()
        if labels.dim() == 2:
            labels = labels[:, -1]
        predictions = predictions.detach().cpu().reshape(-1)
        indicators = indicators.detach().cpu().reshape(-1)
        labels = labels.reshape(-1).float()
        value, _, _ = _C.gauc(predictions, labels, indicators)
        count = float(_used_samples(labels, indicators))
        auc_sum, count = all_reduce_sum([value * count if count else 0.0, count], "the GAUC")
        self._aucs += auc_sum
        self._counts += count
        return auc_sum / max(count, 1.0), self._aucs / max(self._counts, 1.0)


def _used_samples(labels, indicators):
    """Samples in groups that hold both classes (the weight of the batch's GAUC)."""
    _, group = torch.unique(indicators, return_inverse=True)
    sizes = torch.bincount(group)
    positives = torch.bincount(group, weights=(labels > 0.5).double(), minlength=sizes.numel())
    mixed = (positives > 0) & (positives < sizes)
    return int(sizes[mixed].sum())

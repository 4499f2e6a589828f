"""recis.metrics.auroc.AUROC: RecIS's streaming AUC (TensorFlow's thresholded AUC).

Thresholds -1e-7, 1/(n-1), ..., (n-2)/(n-1), 1+1e-7 (float32); a prediction is positive above a
threshold; tpr = (tp+1e-6)/(tp+fn+1e-6), fpr = fp/(fp+tn+1e-6); the area is the trapezoid sum.
The confusion counts are non-trainable parameters (saved with the model, as in RecIS).
forward() is the AUC of one batch; update() accumulates (all-reduced over the default process
group first when dist_sync_on_step); compute() is the AUC so far; reset() zeroes the counts.
"""

import torch
from torch import nn

from recis._distributed import all_reduce


class AUROC(nn.Module):
    def __init__(self, num_thresholds=200, dist_sync_on_step=False):
        super().__init__()
        assert num_thresholds > 2, "num_thresholds must be > 2"
        n = num_thresholds
        self.num_thresholds = n
        self.dist_sync_on_step = dist_sync_on_step
        self.thresholds = torch.tensor(
            [-1e-7] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1 + 1e-7], dtype=torch.float32
        )
        for name in ("tp", "fp", "tn", "fn"):
            setattr(self, name, nn.Parameter(torch.zeros(n, dtype=torch.long), requires_grad=False))

    def _counts(self, predictions, labels):
        predictions = predictions.detach().reshape(-1).to(torch.float32)
        labels = labels.detach().reshape(-1)
        if predictions.numel() != labels.numel():
            raise ValueError(
                f"AUROC: {predictions.numel()} predictions but {labels.numel()} labels"
            )
        assert bool(((predictions >= 0) & (predictions <= 1)).all()), "predictions must be in [0, 1]"
        positive = labels.to(torch.bool)
        # Thresholds below each prediction: it counts as positive at exactly those.
        below = torch.searchsorted(self.thresholds, predictions, right=False)
        n = self.num_thresholds

        def above_counts(mask):
            histogram = torch.bincount(below[mask], minlength=n + 1)
            # count at threshold i = predictions with more than i thresholds below them
            return histogram.flip(0).cumsum(0).flip(0)[1:]

        tp = above_counts(positive)
        fp = above_counts(~positive)
        fn = positive.sum() - tp
        tn = (~positive).sum() - fp
        return tp, fp, tn, fn

    @staticmethod
    def _area(tp, fp, tn, fn):
        tpr = (tp + 1e-6) / (tp + fn + 1e-6)
        fpr = fp / (fp + tn + 1e-6)
        return torch.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2)

    def forward(self, predictions, labels):
        return self._area(*self._counts(predictions, labels))

    def sync(self, tp, fp, tn, fn):
        stacked = all_reduce(torch.stack([tp, fp, tn, fn]), "the AUC counts")
        return tuple(stacked.unbind(0))

    def update(self, predictions, labels):
        counts = self._counts(predictions, labels)
        if self.dist_sync_on_step:
            counts = self.sync(*counts)
        with torch.no_grad():
            for target, value in zip((self.tp, self.fp, self.tn, self.fn), counts):
                target.add_(value)

    def compute(self):
        return self._area(self.tp, self.fp, self.tn, self.fn)

    def reset(self):
        with torch.no_grad():
            for target in (self.tp, self.fp, self.tn, self.fn):
                target.zero_()

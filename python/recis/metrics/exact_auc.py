"""recis.metrics.exact_auc: the exact AUC (Mann-Whitney; tied scores count half), the one the
engine's evaluation reports."""

from recis import _C


def exact_auc(predictions, labels) -> float:
    return _C.exact_auc(predictions.detach().reshape(-1).cpu(), labels.detach().reshape(-1).cpu())

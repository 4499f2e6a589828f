from recis.metrics.auroc import AUROC
from recis.metrics.exact_auc import exact_auc
from recis.metrics.gauc import Gauc

__all__ = ["AUROC", "Gauc", "exact_auc"]

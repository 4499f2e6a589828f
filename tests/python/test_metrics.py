"""recis.metrics against hand-computed values and a brute-force reference."""

import pytest
import torch

from recis.framework.metrics import add_metric, get_global_metrics
from recis.metrics import AUROC, Gauc, exact_auc


def brute_force_auroc(preds, labels, n):
    thresholds = [-1e-7] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1 + 1e-7]
    thresholds = torch.tensor(thresholds, dtype=torch.float32).tolist()
    tpr, fpr = [], []
    for t in thresholds:
        tp = sum(1 for p, l in zip(preds, labels) if p > t and l)
        fp = sum(1 for p, l in zip(preds, labels) if p > t and not l)
        fn = sum(1 for p, l in zip(preds, labels) if p <= t and l)
        tn = sum(1 for p, l in zip(preds, labels) if p <= t and not l)
        tpr.append((tp + 1e-6) / (tp + fn + 1e-6))
        fpr.append(fp / (fp + tn + 1e-6))
    return sum((fpr[i] - fpr[i + 1]) * (tpr[i] + tpr[i + 1]) / 2 for i in range(n - 1))


def test_auroc_golden_and_reference():
    labels = torch.tensor([0, 0, 1, 0, 0, 0, 1, 0, 1, 1])
    preds = torch.tensor([0.1, 0.2, 0.3, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    assert float(AUROC(200)(preds, labels)) == pytest.approx(0.7917, abs=1e-4)
    torch.manual_seed(1)
    p = torch.rand(300)
    y = (torch.rand(300) < p).long()
    for n in (3, 11, 200):
        assert float(AUROC(n)(p, y)) == pytest.approx(brute_force_auroc(p.tolist(), y.tolist(), n),
                                                      abs=1e-6)


def test_auroc_accumulates_like_one_batch():
    torch.manual_seed(2)
    p = torch.rand(500)
    y = (torch.rand(500) < p).long()
    metric = AUROC(50)
    metric.update(p[:200], y[:200])
    metric.update(p[200:], y[200:])
    assert float(metric.compute()) == pytest.approx(float(AUROC(50)(p, y)), abs=1e-7)
    assert int(metric.tp.sum() + metric.fp.sum() + metric.tn.sum() + metric.fn.sum()) == 500 * 50
    metric.reset()
    assert int(metric.tp.sum()) == 0
    with pytest.raises(AssertionError, match=r"\[0, 1\]"):
        metric(torch.tensor([1.5]), torch.tensor([1]))


def test_gauc_hand_computed():
    gauc = Gauc()
    batch, total = gauc(torch.tensor([1, 0, 1, 0, 1]), torch.tensor([0.1, 0.2, 0.3, 0.4, 0.5]),
                        torch.tensor([0, 1, 1, 1, 2]))
    assert (batch, total) == pytest.approx((0.5, 0.5))
    # group 7: AUC 1 over 2 samples; group 9 (not contiguous): AUC 0 over 3 samples
    labels = torch.tensor([1, 0, 0, 1, 0])
    preds = torch.tensor([0.9, 0.8, 0.1, 0.2, 0.3])
    groups = torch.tensor([7, 9, 7, 9, 9])
    batch, total = gauc(labels, preds, groups)
    assert batch == pytest.approx((1.0 * 2 + 0.0 * 3) / 5)
    assert total == pytest.approx((0.5 * 3 + batch * 5) / 8)


def test_exact_auc_and_global_metrics():
    assert exact_auc(torch.tensor([0.1, 0.4, 0.35, 0.8]), torch.tensor([0, 0, 1, 1])) == 0.75
    assert exact_auc(torch.tensor([0.5, 0.5]), torch.tensor([0, 1])) == 0.5
    add_metric("auc", 0.75)
    assert get_global_metrics()["auc"] == 0.75
    assert get_global_metrics() is get_global_metrics()

from recis.optim.sparse_optim import SparseOptimizer


class SparseAdamW(SparseOptimizer):
    """torch.optim.AdamW on table rows (lazy: rows without a gradient are not touched):
    w *= 1 - lr * weight_decay, then Adam with torch's epsilon placement. (RecIS puts epsilon
    outside the bias correction, as SparseAdamWTF does.)"""

    _name = "adamw"

    def __init__(self, param_dict: dict, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                 weight_decay=1e-2, amsgrad=False):
        if amsgrad:
            raise ValueError("amsgrad is not support now")
        super().__init__(lr=lr)
        self._setup(param_dict, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)

from recis.optim.sparse_optim import SparseOptimizer


class SparseAdamWTF(SparseOptimizer):
    """RecIS's TensorFlow-style AdamW: w *= 1 - weight_decay (not scaled by lr), then
    w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)."""

    _name = "adamw_tf"

    def __init__(self, param_dict: dict, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                 weight_decay=1e-2, use_nesterov=False):
        if use_nesterov:
            raise ValueError("use_nesterov is not support now")
        super().__init__(lr=lr)
        self._setup(param_dict, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)

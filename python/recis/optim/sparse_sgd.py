from recis.optim.sparse_optim import SparseOptimizer


class SparseSGD(SparseOptimizer):
    """w -= lr * (g + weight_decay * w) on the rows of the step."""

    _name = "sgd"

    def __init__(self, param_dict: dict, lr=1e-2, weight_decay: float = 0):
        super().__init__(lr=lr)
        self._setup(param_dict, weight_decay=weight_decay)

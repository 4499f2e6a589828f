from recis.optim.sparse_optim import SparseOptimizer


class SparseRowWiseAdagrad(SparseOptimizer):
    """Adagrad with one accumulator per row (the mean of the squared gradient row)."""

    _name = "rowwise_adagrad"

    def __init__(self, param_dict: dict, lr=1e-3, initial_accumulator_value: float = 0,
                 eps=1e-10):
        super().__init__(lr=lr)
        self._setup(param_dict, initial_accumulator_value=initial_accumulator_value, eps=eps)

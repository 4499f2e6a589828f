from recis.optim.sparse_optim import SparseOptimizer


class SparseAdagrad(SparseOptimizer):
    """torch.optim.Adagrad on table rows."""

    _name = "adagrad"

    def __init__(self, param_dict: dict, lr=1e-3, lr_decay: float = 0,
                 initial_accumulator_value: float = 0, eps=1e-10, weight_decay: float = 0):
        super().__init__(lr=lr)
        self._setup(param_dict, lr_decay=lr_decay,
                    initial_accumulator_value=initial_accumulator_value, eps=eps,
                    weight_decay=weight_decay)

from recis.optim.sparse_optim import SparseOptimizer


class SparseFtrl(SparseOptimizer):
    """FTRL-proximal in TensorFlow's form (docs/optimizers.md)."""

    _name = "ftrl"

    def __init__(self, param_dict: dict, lr=1e-2, lr_power=-0.5, l1=0.0, l2=0.0, beta=0.0,
                 initial_accumulator_value=0.1):
        super().__init__(lr=lr)
        self._setup(param_dict, lr_power=lr_power, l1=l1, l2=l2, beta=beta,
                    initial_accumulator_value=initial_accumulator_value)

from recis.optim.sparse_optim import SparseOptimizer


class SparseAdam(SparseOptimizer):
    """torch.optim.Adam on table rows; weight_decay is torch's L2 term. Its default here is 0:
    RecIS's default 0.01 is never applied by RecIS (a bug), so 0 keeps RecIS scripts' results."""

    _name = "adam"

    def __init__(self, param_dict: dict, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8,
                 weight_decay=0.0, amsgrad=False):
        if amsgrad:
            raise ValueError("amsgrad is not support now")
        super().__init__(lr=lr)
        self._setup(param_dict, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)

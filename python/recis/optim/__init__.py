from recis.optim.sparse_adagrad import SparseAdagrad
from recis.optim.sparse_adam import SparseAdam
from recis.optim.sparse_adamw import SparseAdamW
from recis.optim.sparse_adamw_tf import SparseAdamWTF
from recis.optim.sparse_ftrl import SparseFtrl
from recis.optim.sparse_optim import SparseOptimizer
from recis.optim.sparse_row_wise_adagrad import SparseRowWiseAdagrad
from recis.optim.sparse_sgd import SparseSGD

__all__ = [
    "SparseOptimizer",
    "SparseAdam",
    "SparseAdamW",
    "SparseAdamWTF",
    "SparseAdagrad",
    "SparseRowWiseAdagrad",
    "SparseSGD",
    "SparseFtrl",
]

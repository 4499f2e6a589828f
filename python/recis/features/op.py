"""recis.features.op: RecIS's feature ops. Each op is a small nn.Module that describes itself to
the engine (`_spec()`, the op keys of docs/features.md); a Feature or FeatureEngine runs the
chain in C++, fused across features. The ops' semantics are RecIS's (docs/features.md).

Beyond RecIS: Log1p, Normalize, FillMissing and Clip for numeric columns.
"""

import hashlib
from typing import List

import torch
from torch import nn


class _OP(nn.Module):
    """An op: its config (RecIS's `_get_config`) and its engine spec."""

    def _get_config(self):
        return {}

    def get_hash(self):
        digest = hashlib.sha256(
            f"{type(self).__name__}:{sorted(self._get_config().items())}".encode()
        ).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def _spec(self) -> dict:
        raise NotImplementedError

    def forward(self, x):
        raise RuntimeError(
            f"{type(self).__name__} runs inside a Feature or FeatureEngine; call that instead"
        )

    def extra_repr(self):
        return ", ".join(f"{k}={v!r}" for k, v in self._get_config().items())


class SelectField(_OP):
    """Starts a feature: the batch column `name`. (`dtype`, `dim` and `from_dict` are accepted
    for RecIS compatibility; RecIS ignores them for dict inputs too.)"""

    def __init__(self, name, dtype=torch.long, dim=None, from_dict=True):
        super().__init__()
        self.name = name
        self.dtype = dtype
        self.dim = dim
        self.from_dict = from_dict

    def _get_config(self):
        return {"name": self.name}

    def _spec(self):
        return {"op": "select", "column": self.name}


class SelectFields(_OP):
    """Starts a feature with several columns (the inputs of a FeatureCross)."""

    def __init__(self, input_list: List[SelectField]):
        super().__init__()
        self.input_list = list(input_list)

    def _get_config(self):
        return {"names": [f.name for f in self.input_list]}

    def _spec(self):
        return {"op": "select", "columns": [f.name for f in self.input_list]}


class Hash(_OP):
    """Byte strings (int8 values from varlen_feature(trans_int8=True)) -> int64 ids, all 64 bits:
    'farm' (FarmHash Fingerprint64) or 'murmur' (MurmurHash64A, seed 0)."""

    def __init__(self, hash_type):
        super().__init__()
        if hash_type not in ("farm", "murmur"):
            raise ValueError(f"Hash: hash_type must be 'farm' or 'murmur', got {hash_type!r}")
        self.hash_type = hash_type

    def _get_config(self):
        return {"hash_type": self.hash_type}

    def _spec(self):
        return {"op": "hash", "kind": self.hash_type}


class Mod(_OP):
    """Ids reinterpreted as uint64, modulo mod_value, as int64."""

    def __init__(self, mod_value):
        super().__init__()
        self.mod_value = int(mod_value)

    def _get_config(self):
        return {"mod_value": self.mod_value}

    def _spec(self):
        return {"op": "mod", "m": self.mod_value}


class Bucketize(_OP):
    """Index of each value among ascending boundaries: the number of boundaries <= value."""

    def __init__(self, boundary):
        super().__init__()
        if isinstance(boundary, torch.Tensor):
            boundary = boundary.tolist()
        self.boundary = [float(b) for b in boundary]

    def _get_config(self):
        return {"boundary": self.boundary}

    def _spec(self):
        return {"op": "bucketize", "boundaries": self.boundary}


class FeatureCross(_OP):
    """Per row, MurmurHash64A of every pair of the two inputs' deduplicated ids; weight wx*wy."""

    def _spec(self):
        return {"op": "cross"}


class SequenceTruncate(_OP):
    """Keeps seq_len entries per row: truncate_side 'left' drops the oldest (keeps the last
    seq_len), 'right' keeps the first seq_len. With n_dims=3 every row becomes exactly seq_len
    inner lists (padded with empty lists). `check_length` is accepted as in RecIS, where it
    compares the declared dense shape and never fires on data read from files (-1 there); here
    too long rows are truncated."""

    def __init__(
        self,
        seq_len=64,
        check_length=True,
        truncate=True,
        truncate_side="left",
        n_dims=2,
        dtype=torch.long,
    ):
        super().__init__()
        if not truncate:
            raise ValueError("SequenceTruncate(truncate=False) is not supported (RecIS returns None)")
        if truncate_side not in ("left", "right"):
            raise ValueError(f"SequenceTruncate: truncate_side must be left or right, got {truncate_side!r}")
        if n_dims not in (2, 3):
            raise ValueError(f"SequenceTruncate: n_dims must be 2 or 3, got {n_dims!r}")
        self.seq_len = int(seq_len)
        self.check_length = check_length
        self.truncate_side = truncate_side
        self.n_dims = n_dims
        self.dtype = dtype

    def _get_config(self):
        return {"seq_len": self.seq_len, "truncate_side": self.truncate_side, "n_dims": self.n_dims}

    def _spec(self):
        return {
            "op": "truncate",
            "seq_len": self.seq_len,
            "side": self.truncate_side,
            "check_length": False,
            "n_dims": self.n_dims,
        }


class IDMultiHash(_OP):
    """Up to 4 hashes of each id into num_buckets[i] buckets (RecIS's formula, docs/features.md).
    A FeatureEngine outputs them as "<feature>_multi_hash_<i>"; Feature alone as a dict."""

    def __init__(self, num_buckets: List[int]):
        super().__init__()
        self.num_buckets = [int(b) for b in num_buckets]

    def _get_config(self):
        return {"num_buckets": self.num_buckets}

    def _spec(self):
        return {"op": "multi_hash", "num_buckets": self.num_buckets}


class Log1p(_OP):
    """log(1 + x) of numeric values (integers become float32)."""

    def _spec(self):
        return {"op": "log1p"}


class Normalize(_OP):
    """(x - mean) / std of numeric values."""

    def __init__(self, mean, std):
        super().__init__()
        self.mean, self.std = float(mean), float(std)

    def _get_config(self):
        return {"mean": self.mean, "std": self.std}

    def _spec(self):
        return {"op": "normalize", "mean": self.mean, "std": self.std}


class FillMissing(_OP):
    """NaN -> value."""

    def __init__(self, value):
        super().__init__()
        self.value = float(value)

    def _get_config(self):
        return {"value": self.value}

    def _spec(self):
        return {"op": "fill_missing", "value": self.value}


class Clip(_OP):
    """Clamps numeric values to [lo, hi]."""

    def __init__(self, lo, hi):
        super().__init__()
        self.lo, self.hi = float(lo), float(hi)

    def _get_config(self):
        return {"lo": self.lo, "hi": self.hi}

    def _spec(self):
        return {"op": "clip", "lo": self.lo, "hi": self.hi}

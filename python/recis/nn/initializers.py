"""recis.nn.initializers: the initial values of new embedding rows, with RecIS's classes and
arguments. The engine draws a row's values as a pure function of (seed, table, id) (Philox), so a
row starts the same in any thread order, shard or after resharding; the distributions are
RecIS's, the random streams are not (RecIS draws whole blocks from torch's generator).

Xavier and Kaiming use RecIS's fans: fan_in = the embedding dim, fan_out = the block size (RecIS
initializes [block_size, dim] blocks). KaimingNormalInitializer draws from the normal
distribution; RecIS's draws from the uniform one (a bug there).
"""

import json

import torch

# RecIS accepts these spellings of torch's nonlinearity names.
_NONLINEARITY_ALIASES = {"liner": "linear", "sigmod": "sigmoid"}


class Initializer:
    """Base: a distribution described to the engine by `_spec(dim, block_size)`."""

    def __init__(self):
        self._shape = None
        self._dtype = torch.float32
        self._built = False

    def set_shape(self, shape=None):
        self._shape = shape

    def set_dtype(self, dtype=torch.float32):
        self._dtype = dtype

    def build(self):
        if self._built:
            raise RuntimeError("rebuild initializer")
        self._built = True

    def _params(self) -> dict:
        return {}

    def _spec(self, dim: int, block_size: int) -> dict:
        raise NotImplementedError

    def __str__(self):
        return json.dumps({"type": type(self).__name__, **self._params()}, sort_keys=True)


class ConstantInitializer(Initializer):
    def __init__(self, init_val: float = 0.0, dtype=torch.float32):
        super().__init__()
        self.init_val = float(init_val)

    def _params(self):
        return {"init_val": self.init_val}

    def _spec(self, dim, block_size):
        return {"kind": "constant", "value": self.init_val}


class UniformInitializer(Initializer):
    def __init__(self, a=0.0, b=1.0, generator=None):
        super().__init__()
        self.a, self.b = float(a), float(b)

    def _params(self):
        return {"a": self.a, "b": self.b}

    def _spec(self, dim, block_size):
        return {"kind": "uniform", "low": self.a, "high": self.b}


class NormalInitializer(Initializer):
    def __init__(self, mean=0.0, std=1.0, generator=None):
        super().__init__()
        self.mean, self.std = float(mean), float(std)

    def _params(self):
        return {"mean": self.mean, "std": self.std}

    def _spec(self, dim, block_size):
        return {"kind": "normal", "mean": self.mean, "stddev": self.std}


class TruncNormalInitializer(Initializer):
    """Normal(mean, std) truncated to [a, b] (absolute bounds, as torch.nn.init.trunc_normal_)."""

    def __init__(self, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
        super().__init__()
        self.mean, self.std, self.a, self.b = float(mean), float(std), float(a), float(b)

    def _params(self):
        return {"mean": self.mean, "std": self.std, "a": self.a, "b": self.b}

    def _spec(self, dim, block_size):
        return {
            "kind": "truncated_normal",
            "mean": self.mean,
            "stddev": self.std,
            "lower": self.a,
            "upper": self.b,
        }


class XavierUniformInitializer(Initializer):
    def __init__(self, gain=1.0, generator=None):
        super().__init__()
        self.gain = float(gain)

    def _params(self):
        return {"gain": self.gain}

    def _spec(self, dim, block_size):
        return {"kind": "xavier_uniform", "gain": self.gain, "fan_in": dim, "fan_out": block_size}


class XavierNormalInitializer(XavierUniformInitializer):
    def _spec(self, dim, block_size):
        return {"kind": "xavier_normal", "gain": self.gain, "fan_in": dim, "fan_out": block_size}


class KaimingUniformInitializer(Initializer):
    def __init__(self, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
        super().__init__()
        mode = mode.lower()
        if mode not in ("fan_in", "fan_out"):
            raise ValueError(f"Kaiming initializer: mode must be fan_in or fan_out, got {mode!r}")
        nonlinearity = nonlinearity.lower()
        self.a, self.mode = float(a), mode
        self.nonlinearity = _NONLINEARITY_ALIASES.get(nonlinearity, nonlinearity)
        self._gain = torch.nn.init.calculate_gain(self.nonlinearity, self.a)

    _kind = "kaiming_uniform"

    def _params(self):
        return {"a": self.a, "mode": self.mode, "nonlinearity": self.nonlinearity}

    def _spec(self, dim, block_size):
        return {
            "kind": self._kind,
            "gain": self._gain,
            "fan_in": dim,
            "fan_out": block_size,
            "kaiming_fan_out": self.mode == "fan_out",
        }


class KaimingNormalInitializer(KaimingUniformInitializer):
    _kind = "kaiming_normal"

    def __init__(self, shape=None, dtype=torch.float32, a=0.0, mode="fan_in",
                 nonlinearity="leaky_relu", generator=None):
        super().__init__(a=a, mode=mode, nonlinearity=nonlinearity)

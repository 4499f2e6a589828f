"""recis.features.feature.Feature: a named chain of ops that starts with SelectField or
SelectFields, built with chained add_op calls:

    Feature("c1_x_c2").add_op(SelectFields([SelectField("c1"), SelectField("c2")]))
                      .add_op(FeatureCross()).add_op(Mod(1000))

Calling a Feature on a batch dict runs its chain alone; FeatureEngine runs many, fused.
"""

import hashlib

from torch import nn

from recis import _C
from recis.features.op import _OP, IDMultiHash, SelectField, SelectFields


class Feature(nn.Module):
    def __init__(self, name):
        super().__init__()
        if not name:
            raise ValueError("a Feature needs a non-empty name")
        self._name = name
        self._ops = nn.ModuleList()
        self._compiled = False
        self._runner = None

    @property
    def name(self):
        return self._name

    @property
    def ops(self):
        return self._ops

    @property
    def compiled(self):
        return self._compiled

    def compiled_(self, value: bool):
        self._compiled = value

    def add_op(self, op: _OP):
        if not isinstance(op, _OP):
            raise TypeError(f"Feature '{self.name}': add_op expects a recis.features.op op, got {type(op).__name__}")
        if self._compiled:
            raise ValueError(f"feature {self.name} has been compiled")
        if not self._ops and type(op) not in (SelectField, SelectFields):
            raise ValueError(f"feature {self.name} must start with DataInputOP")
        self._ops.append(op)
        return self

    def _specs(self):
        return [op._spec() for op in self.ops]

    def _outputs_dict(self):
        return len(self.ops) > 0 and isinstance(self.ops[-1], IDMultiHash)

    def get_hash(self):
        """A signed 64-bit digest of the name and the ops' configs (RecIS's deduplication key)."""
        if not self._ops:
            return 0
        op_hashes = sorted(op.get_hash() for op in self._ops)
        digest = hashlib.sha256(f"{self.name}:{op_hashes}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def forward(self, data):
        """This feature's output for a batch dict; an IDMultiHash feature gives
        {"multi_hash_i": ...}."""
        if not isinstance(data, dict):
            raise TypeError(f"feature {self.name}: expected a dict batch, got {type(data).__name__}")
        if self._runner is None:
            self._runner = _C.FeatureRunner([(self.name, self._specs())])
        out = self._runner.run(data)
        if not self._outputs_dict():
            return out[self.name]
        prefix = self.name + "_"
        return {k[len(prefix):]: v for k, v in out.items() if k.startswith(prefix + "multi_hash_")}

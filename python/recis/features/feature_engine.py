"""recis.features.FeatureEngine: every feature of a model in one fused pass (feature::Engine):
step k runs op k of every feature, and all ops of one kind in a step run as one C++ call.

forward(data, remain_no_use_data=True) returns {feature name: output} plus, when
remain_no_use_data, every input entry no feature replaced (entries that are not tensors or
RaggedTensors pass through untouched). An IDMultiHash feature F gives "F_multi_hash_<i>" as
RecIS flattens it. Features with equal names and ops are computed once.
"""

from typing import List

from torch import nn

from recis import _C
from recis.features.feature import Feature


class FeatureEngine(nn.Module):
    def __init__(self, feature_list: List[Feature]):
        super().__init__()
        unique = {}
        for feature in feature_list:
            if not isinstance(feature, Feature):
                raise TypeError(f"FeatureEngine: expected Feature objects, got {type(feature).__name__}")
            previous = unique.get(feature.name)
            if previous is not None:
                if previous is feature or previous.get_hash() == feature.get_hash():
                    continue
                raise ValueError(f"Duplicate feature name: {feature.name}")
            if feature.compiled:
                raise ValueError(f"feature {feature.name} has been compiled")
            feature.compiled_(True)
            unique[feature.name] = feature
        self._features = nn.ModuleList(unique.values())
        self._runner = _C.FeatureRunner([(f.name, f._specs()) for f in unique.values()])

    def forward(self, data: dict, remain_no_use_data: bool = True):
        if not isinstance(data, dict):
            raise TypeError(f"FeatureEngine: expected a dict batch, got {type(data).__name__}")
        out = self._runner.run(data)
        if remain_no_use_data:
            for name, value in data.items():
                if name not in out:
                    out[name] = value
        else:
            produced = set(self._runner.output_names())
            out = {name: value for name, value in out.items() if name in produced}
        return out

from recis.features.feature import Feature
from recis.features.feature_engine import FeatureEngine
from recis.features.op import (
    Bucketize,
    FeatureCross,
    Hash,
    IDMultiHash,
    Mod,
    SelectField,
    SelectFields,
    SequenceTruncate,
)

__all__ = [
    "Feature",
    "FeatureEngine",
    "Bucketize",
    "SelectField",
    "Hash",
    "SelectFields",
    "FeatureCross",
    "SequenceTruncate",
    "Mod",
    "IDMultiHash",
]

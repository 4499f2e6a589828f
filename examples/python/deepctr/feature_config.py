"""The deepctr example's features and embeddings: every op kind RecIS's deepctr example uses.

    dense1             SelectField               8 values -> the DNN as they are
    dense2             Bucketize([0, 0.5, 1])    a bucket id, embedded in sparse1's table
    sparse1            SelectField               dim 8, sum; shares its table with dense2
    sparse2            SelectField               dim 16, sum
    sparse3            Mod(10000)                dim 8, sum
    sparse4            Mod(10000), SequenceTruncate(50)           dim 16, tile: [B, 50, 16]
    sparse5            Hash("farm"), Mod(10000), SequenceTruncate(50)   dim 16, tile
    sparse1_x_sparse2  SelectFields, FeatureCross, Mod(1000)      dim 16, mean
"""

from recis.features.feature import Feature
from recis.features.op import (
    Bucketize,
    FeatureCross,
    Hash,
    Mod,
    SelectField,
    SelectFields,
    SequenceTruncate,
)
from recis.nn import EmbeddingOption
from recis.nn.initializers import TruncNormalInitializer

SEQUENCE_LENGTH = 50


def features():
    return [
        Feature("dense1").add_op(SelectField("dense1", dim=8)),
        Feature("dense2").add_op(SelectField("dense2")).add_op(Bucketize([0, 0.5, 1])),
        Feature("sparse1").add_op(SelectField("sparse1")),
        Feature("sparse2").add_op(SelectField("sparse2")),
        Feature("sparse3").add_op(SelectField("sparse3")).add_op(Mod(10000)),
        Feature("sparse4").add_op(SelectField("sparse4")).add_op(Mod(10000)).add_op(
            SequenceTruncate(SEQUENCE_LENGTH, truncate_side="right", n_dims=2)),
        Feature("sparse5").add_op(SelectField("sparse5")).add_op(Hash("farm")).add_op(
            Mod(10000)).add_op(SequenceTruncate(SEQUENCE_LENGTH, truncate_side="right", n_dims=2)),
        Feature("sparse1_x_sparse2").add_op(
            SelectFields([SelectField("sparse1"), SelectField("sparse2")])).add_op(
            FeatureCross()).add_op(Mod(1000)),
    ]


def embedding_options():
    def option(dim, shared_name, combiner="sum", **kwargs):
        return EmbeddingOption(embedding_dim=dim, shared_name=shared_name, combiner=combiner,
                               initializer=TruncNormalInitializer(std=0.01), **kwargs)

    tile = {"tile_len": SEQUENCE_LENGTH}
    return {
        "dense2": option(8, "sparse1"),
        "sparse1": option(8, "sparse1"),
        "sparse2": option(16, "sparse2"),
        "sparse3": option(8, "sparse3"),
        "sparse4": option(16, "sparse4", "tile", combiner_kwargs=tile),
        "sparse5": option(16, "sparse5", "tile", combiner_kwargs=tile),
        "sparse1_x_sparse2": option(16, "sparse1_x_sparse2", "mean"),
    }

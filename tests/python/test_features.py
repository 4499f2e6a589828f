"""recis.features against RecIS's golden values (the same ones the C++ tests use), fused ==
one call per feature, and FeatureEngine's output dict rules."""

import pytest
import torch

from recis.features import (
    Bucketize,
    FeatureCross,
    FeatureEngine,
    Hash,
    IDMultiHash,
    Mod,
    SelectField,
    SelectFields,
    SequenceTruncate,
)
from recis.features.feature import Feature
from recis.ragged.tensor import RaggedTensor


def ids(rows):
    values = torch.tensor([v for row in rows for v in row], dtype=torch.int64)
    offsets = torch.tensor([0] + [len(r) for r in rows], dtype=torch.int64).cumsum(0)
    return RaggedTensor(values, [offsets])


def byte_strings(strings):
    """One string per row, as varlen_feature(trans_int8=True) delivers them."""
    values = torch.tensor([b for s in strings for b in s], dtype=torch.int8)
    ends = torch.tensor([0] + [len(s) for s in strings], dtype=torch.int64).cumsum(0)
    rows = torch.arange(len(strings) + 1, dtype=torch.int64)
    return RaggedTensor(values, [rows, ends])


FARM = [-7736835464683084646, -5546720800891377920, -4442022684725028445, -909183002746659612]
MURMUR = [-4003751876240412087, -1042754718167355375, -5541886947548579749, 4434088491466393040]
KEYS = [[0, 1, 2], [1, 2, 3], [0, 5, 5], [5, 6, 7]]


@pytest.mark.parametrize("kind,golden", [("farm", FARM), ("murmur", MURMUR)])
def test_hash_golden(kind, golden):
    feature = Feature("s").add_op(SelectField("s")).add_op(Hash(kind))
    out = feature({"s": byte_strings(KEYS)})
    assert out.values().tolist() == golden
    assert out.offsets()[0].tolist() == [0, 1, 2, 3, 4] and len(out.offsets()) == 1


def test_cross_and_mod_golden():
    cross = Feature("x").add_op(SelectFields([SelectField("a"), SelectField("b")]))
    cross.add_op(FeatureCross())
    batch = {"a": ids([[1001], [1002], [1003]]), "b": ids([[1], [2], [3]])}
    assert cross(batch).values().tolist() == [
        -7808879811642834040, -4967483181219983279, 1752425377096056168]
    crossed_mod = (Feature("y").add_op(SelectFields([SelectField("a"), SelectField("b")]))
                   .add_op(FeatureCross()).add_op(Mod(1000)))
    small = {"a": ids([[1], [2], [3]]), "b": ids([[1], [2], [3]])}
    assert crossed_mod(small).values().tolist() == [216, 2, 783]


def test_multi_hash_golden():
    feature = Feature("m").add_op(SelectField("m")).add_op(IDMultiHash([1000] * 4))
    out = feature({"m": ids([[1001, 1002, 1003]])})
    assert [out[f"multi_hash_{i}"].values().tolist() for i in range(4)] == [
        [1, 2, 3], [3, 6, 9], [5, 10, 15], [7, 14, 21]]
    engine = FeatureEngine([Feature("m").add_op(SelectField("m")).add_op(IDMultiHash([1000] * 2))])
    flat = engine({"m": ids([[1001]])})
    assert flat["m_multi_hash_1"].values().tolist() == [3]


def test_mod_is_unsigned_and_bucketize_is_upper_bound():
    mod = Feature("k").add_op(SelectField("k")).add_op(Mod(10))
    assert mod({"k": ids([[-1, 27]])}).values().tolist() == [(2**64 - 1) % 10, 7]
    bucket = Feature("v").add_op(SelectField("v")).add_op(Bucketize([0, 0.5, 1]))
    dense = torch.tensor([[-1.0], [0.0], [0.3], [0.5], [2.0]])
    assert bucket({"v": dense}).reshape(-1).tolist() == [0, 1, 1, 2, 3]


def test_sequence_truncate():
    seq = ids([[1, 2, 3, 4], [5], []])
    left = Feature("l").add_op(SelectField("s")).add_op(SequenceTruncate(2, truncate_side="left"))
    right = Feature("r").add_op(SelectField("s")).add_op(SequenceTruncate(2, truncate_side="right"))
    out = FeatureEngine([left, right])({"s": seq})
    assert out["l"].values().tolist() == [3, 4, 5]
    assert out["r"].values().tolist() == [1, 2, 5]
    nested = RaggedTensor(torch.arange(6, dtype=torch.int64),
                          [torch.tensor([0, 3, 4]), torch.tensor([0, 2, 3, 5, 6])])
    padded = Feature("p").add_op(SelectField("n")).add_op(
        SequenceTruncate(2, truncate_side="right", n_dims=3))({"n": nested})
    assert padded.offsets()[0].tolist() == [0, 2, 4]  # every row exactly 2 inner lists
    assert padded.offsets()[1].tolist() == [0, 2, 3, 4, 4]
    assert padded.values().tolist() == [0, 1, 2, 5]


def test_fused_equals_per_feature_and_engine_dict_rules():
    batch = {
        "a": ids([[11, 12], [13], []]),
        "b": ids([[7], [8, 9], [10]]),
        "v": torch.tensor([[0.2], [0.7], [1.5]]),
        "label": torch.tensor([[1.0], [0.0], [1.0]]),
        "note": "not a tensor",
    }
    features = [
        Feature("a").add_op(SelectField("a")).add_op(Mod(5)),
        Feature("b").add_op(SelectField("b")).add_op(Mod(3)),
        Feature("a_x_b").add_op(SelectFields([SelectField("a"), SelectField("b")]))
        .add_op(FeatureCross()).add_op(Mod(97)),
        Feature("v_bucket").add_op(SelectField("v")).add_op(Bucketize([0.5, 1.0])),
    ]
    engine = FeatureEngine(features)
    fused = engine._runner.run(batch, True)
    per_feature = engine._runner.run(batch, False)
    for name in ("a", "b", "a_x_b", "v_bucket"):
        got, want = fused[name], per_feature[name]
        got = got.values() if isinstance(got, RaggedTensor) else got
        want = want.values() if isinstance(want, RaggedTensor) else want
        assert torch.equal(got, want), name
    out = engine(batch)
    assert out["a"].values().tolist() == [1, 2, 3]
    assert out["note"] == "not a tensor" and torch.equal(out["label"], batch["label"])
    assert out["v"] is batch["v"]  # inputs a feature read stay in the output (RecIS)
    assert sorted(engine(batch, remain_no_use_data=False)) == ["a", "a_x_b", "b", "v_bucket"]


def test_feature_rules():
    with pytest.raises(ValueError, match="DataInputOP"):
        Feature("x").add_op(Mod(3))
    feature = Feature("x").add_op(SelectField("x"))
    FeatureEngine([feature])
    with pytest.raises(ValueError, match="compiled"):
        feature.add_op(Mod(3))
    a = Feature("d").add_op(SelectField("d")).add_op(Mod(3))
    b = Feature("d").add_op(SelectField("d")).add_op(Mod(4))
    with pytest.raises(ValueError, match="Duplicate feature name"):
        FeatureEngine([a, b])
    twin = FeatureEngine([Feature("t").add_op(SelectField("t")).add_op(Mod(3)),
                          Feature("t").add_op(SelectField("t")).add_op(Mod(3))])
    assert twin._runner.computed_feature_count() == 1
    with pytest.raises(ValueError, match="hash_type"):
        Hash("md5")


def test_bad_inputs_raise():
    engine = FeatureEngine([Feature("m").add_op(SelectField("m")).add_op(Mod(7))])
    with pytest.raises(ValueError, match="'m'"):
        engine({"other": ids([[1]])})
    with pytest.raises(RuntimeError, match="offsets"):
        engine({"m": RaggedTensor(torch.tensor([1, 2]), [torch.tensor([0, 5])])})
    with pytest.raises(TypeError):
        engine(None)
    with pytest.raises(ValueError, match="feature 'z' op mod"):
        FeatureEngine([Feature("z").add_op(SelectField("z")).add_op(Mod(0))])

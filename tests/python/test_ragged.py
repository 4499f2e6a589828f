"""RaggedTensor.to_dense (one C++ pass) against the dense tensor built element by element: 2 and 3
levels, empty rows and lists, a padded dense shape wider than the longest list, integer, float and
uint8 values, the default value, and offsets that do not fit."""

import pytest
import torch

from recis.ragged.tensor import RaggedTensor


def reference(values, offsets, shape, default):
    dense = torch.full(shape, default, dtype=values.dtype)

    def place(level, item, index):
        begin, end = int(offsets[level][item]), int(offsets[level][item + 1])
        for position, child in enumerate(range(begin, end)):
            if level + 1 == len(offsets):
                dense[tuple(index + [position])] = values[child]
            else:
                place(level + 1, child, index + [position])

    for row in range(shape[0]):
        place(0, row, [row])
    return dense


@pytest.mark.parametrize("dtype", [torch.int64, torch.float32, torch.uint8])
def test_two_levels_with_empty_rows(dtype):
    values = torch.tensor([5, 6, 7, 8, 9, 10], dtype=dtype)
    offsets = [torch.tensor([0, 2, 2, 5, 6])]
    dense = RaggedTensor(values, offsets).to_dense(default_value=1)
    assert dense.dtype == dtype
    assert torch.equal(dense, reference(values, offsets, (4, 3), 1))


def test_three_levels():
    values = torch.arange(1, 10, dtype=torch.float64)
    offsets = [torch.tensor([0, 2, 3, 3]), torch.tensor([0, 3, 3, 9])]
    dense = RaggedTensor(values, offsets).to_dense()
    assert dense.shape == (3, 2, 6)
    assert torch.equal(dense, reference(values, offsets, (3, 2, 6), 0))


def test_a_fixed_dense_shape_pads_beyond_the_longest_list():
    values = torch.tensor([1, 2, 3])
    offsets = [torch.tensor([0, 1, 3])]
    dense = RaggedTensor(values, offsets, dense_shape=(2, 4)).to_dense()
    assert torch.equal(dense, torch.tensor([[1, 0, 0, 0], [2, 3, 0, 0]]))


def test_offsets_that_do_not_fit_are_refused():
    with pytest.raises(RuntimeError, match="not non-decreasing"):
        RaggedTensor(torch.tensor([1, 2]), [torch.tensor([0, 3, 2])]).to_dense()
    with pytest.raises(RuntimeError, match="holds 2 entries, the dense shape 1"):
        RaggedTensor(torch.tensor([1, 2]), [torch.tensor([0, 2])], dense_shape=(1, 1)).to_dense()

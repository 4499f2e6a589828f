"""RaggedTensor: a batch of variable-length lists stored flat, as RecIS has it.

`values` is 1-D; `offsets` holds one 1-D offsets tensor per ragged level, outermost first
(`offsets[0]` has batch_size + 1 entries); `weight` (optional) has one entry per value;
`dense_shape` is the shape of the padded dense equivalent with -1 where a level is ragged.
The engine's batches and feature outputs come as RaggedTensors; tensors are shared, not copied.
"""

from dataclasses import dataclass
from typing import List, Optional

import numpy as np
import torch

from recis import _C


@dataclass
class RaggedPadInfo:
    """What a 2-level SequenceTruncate dropped and padded, per row."""

    drop_nums: List[torch.Tensor] = None
    pad_nums: List[torch.Tensor] = None
    drop_sides: torch.Tensor = None
    pad_sides: torch.Tensor = None


def _row_positions(offsets: torch.Tensor) -> torch.Tensor:
    """For every entry split by `offsets`, its row and its position within the row."""
    offsets = offsets.to(torch.int64)
    lengths = offsets[1:] - offsets[:-1]
    rows = torch.repeat_interleave(torch.arange(lengths.numel()), lengths)
    positions = torch.arange(int(offsets[-1])) - offsets[:-1][rows]
    return rows, positions


class RaggedTensor:
    """Values with one offsets tensor per ragged level (see the module docstring)."""

    def __init__(
        self,
        values: torch.Tensor,
        offsets: List[torch.Tensor],
        weight: Optional[torch.Tensor] = None,
        dense_shape: Optional[tuple] = None,
    ):
        if isinstance(offsets, torch.Tensor):
            offsets = [offsets]
        self._values = values
        self._offsets = list(offsets)
        self._weight = weight
        self._pad_info = None
        if dense_shape is None:
            self._dense_shape = (-1,) * (len(self._offsets) + 1)
            self._dense_shape = self.real_shape()
        self._dense_shape = tuple(dense_shape) if dense_shape is not None else self._dense_shape

    def __repr__(self):
        return (
            f"RaggedTensor(values={self._values}, offsets={self._offsets}, "
            f"weight={self._weight}, dense_shape={self._dense_shape})"
        )

    # -- shape ----------------------------------------------------------------------------------
    def set_dim_by_rank(self, dim, rank):
        shape = list(self._dense_shape)
        shape[rank] = dim
        self._dense_shape = tuple(shape)

    @property
    def dim(self):
        return len(self._dense_shape)

    @property
    def dense_shape(self):
        return self._dense_shape

    @property
    def max_length(self):
        return self.get_shape(-1)

    @property
    def pad_info(self):
        return self._pad_info

    def set_pad_info(self, pad_info: RaggedPadInfo):
        self._pad_info = pad_info

    def real_shape(self, start=0, end=None):
        """The dense shape from `start` to `end` with each -1 replaced by the longest row."""
        if end is None:
            end = len(self._dense_shape)
        if end < 0:
            end += len(self._dense_shape)
        return tuple(self.get_shape(i) for i in range(start, end))

    def get_shape(self, dim):
        if dim < 0:
            dim += len(self._dense_shape)
        if self._dense_shape[dim] != -1:
            return self._dense_shape[dim]
        if dim == 0:
            return self._offsets[0].numel() - 1
        level = self._offsets[dim - 1]
        if level.numel() < 2:
            return 0
        return int((level[1:] - level[:-1]).max())

    @property
    def shape(self):
        return self.real_shape()

    def size(self):
        return self.real_shape()

    # -- contents -------------------------------------------------------------------------------
    def values(self):
        return self._values

    def set_values(self, values: torch.Tensor):
        self._values = values

    def offsets(self):
        return self._offsets

    def weight(self):
        return self._weight

    def set_weight(self, weight: torch.Tensor):
        self._weight = weight

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def device(self):
        return self._values.device

    # -- conversions ----------------------------------------------------------------------------
    def to_dense(self, default_value: float = 0.0):
        """The padded dense tensor [B, L1, ..., Lk] (each L the longest row of its level)."""
        return _C.ragged_to_dense(self._values, self._offsets, list(self.real_shape()),
                                  float(default_value))

    def to_sparse(self):
        """A torch.sparse_coo tensor of the dense shape holding the values at their positions."""
        indices = torch.stack(self._dense_index()) if self._values.numel() else torch.zeros(
            (len(self._offsets) + 1, 0), dtype=torch.int64
        )
        return torch.sparse_coo_tensor(indices, self._values, self.real_shape())

    def _dense_index(self):
        """For every value, its index in the dense tensor (one int64 tensor per dimension)."""
        rows, positions = _row_positions(self._offsets[-1])
        index = [positions]
        for level in reversed(self._offsets[:-1]):
            outer_rows, outer_positions = _row_positions(level)
            index.insert(0, outer_positions[rows])
            rows = outer_rows[rows]
        index.insert(0, rows)
        return tuple(index)

    @staticmethod
    def from_numpy(values: np.ndarray, offsets):
        if isinstance(offsets, np.ndarray):
            offsets = [offsets]
        return RaggedTensor(torch.from_numpy(values), [torch.from_numpy(o) for o in offsets])

    @staticmethod
    def from_dense(dense: torch.Tensor, check_invalid: bool = False, invalid_value: int = 0):
        """A 2-level RaggedTensor of the rows of a 2-D tensor; with check_invalid, each row's
        trailing `invalid_value` entries are dropped (interior ones are kept)."""
        if dense.dim() != 2:
            raise ValueError(f"from_dense: expected a 2-D tensor, got {dense.dim()} dims")
        rows, width = dense.shape
        if check_invalid:
            valid = dense != invalid_value
            positions = torch.arange(1, width + 1).expand(rows, width)
            lengths = torch.where(valid, positions, torch.zeros_like(positions)).max(dim=1).values
            keep = torch.arange(width).expand(rows, width) < lengths.unsqueeze(1)
            values = dense[keep]
        else:
            lengths = torch.full((rows,), width, dtype=torch.int64)
            values = dense.reshape(-1)
        offsets = torch.zeros(rows + 1, dtype=torch.int64)
        offsets[1:] = torch.cumsum(lengths, 0)
        return RaggedTensor(values, [offsets], dense_shape=tuple(dense.shape))

    def _map(self, fn):
        out = RaggedTensor(
            fn(self._values),
            [fn(o) for o in self._offsets],
            fn(self._weight) if self._weight is not None else None,
            dense_shape=self._dense_shape,
        )
        out._pad_info = self._pad_info
        return out

    def to(self, *args, **kwargs):
        """torch.Tensor.to on the values and weight; offsets follow the values' device."""
        values = self._values.to(*args, **kwargs)
        out = RaggedTensor(
            values,
            [o.to(values.device) for o in self._offsets],
            self._weight.to(*args, **kwargs) if self._weight is not None else None,
            dense_shape=self._dense_shape,
        )
        out._pad_info = self._pad_info
        return out

    def cuda(self, *args, **kwargs):
        return self._map(lambda t: t.cuda(*args, **kwargs))

    def pin_memory(self):
        return self._map(lambda t: t.pin_memory())

    def clone(self):
        """A shallow copy: new object, the same tensors (as RecIS)."""
        return self._map(lambda t: t)

"""Gathering and scattering: take, take_along_axis, scatter, slice, segment_sum, top_k, unique, ...

Negative indices count from the end, as in NumPy. Index results are int32
(``top_k`` indices int64, as Keras on torch).

Example:
    >>> take([10, 20, 30], [2, 0]).tolist()
    [30, 10]
    >>> scatter([[1], [3]], [5.0, 7.0], (4,)).tolist()
    [0.0, 5.0, 0.0, 7.0]
"""
import torch

from lamina.ops.dispatch import canonical_axis, check_choice, op, to_tensor

__all__ = [
    "take", "take_along_axis", "scatter", "scatter_update", "slice", "slice_update", "segment_sum",
    "segment_max", "top_k", "in_top_k", "unique", "searchsorted", "nonzero", "get_item",
]

_builtin_slice = slice


def _indices(indices, size):
    """Indices as int64 with negative ones wrapped by ``size``."""
    indices = to_tensor(indices)
    if indices.dtype is not torch.int64:
        indices = indices.long()
    return torch.where(indices < 0, indices + size, indices)


@op
def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis`` (of the flattened tensor if ``None``).

    The result has shape ``x.shape[:axis] + indices.shape + x.shape[axis+1:]``.

    Example:
        >>> take([[1, 2], [3, 4]], [1, 1], axis=1).tolist()
        [[2, 2], [4, 4]]
    """
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = canonical_axis(axis, x.dim(), op_name="take")
    indices = _indices(indices, x.shape[axis])
    if axis == 0 and x.dim() == 2 and x.is_floating_point():
        return torch.nn.functional.embedding(indices, x)  # the fused kernel behind Embedding
    out = torch.index_select(x, axis, indices.reshape(-1))
    return out.reshape(x.shape[:axis] + indices.shape + x.shape[axis + 1:])


@op
def take_along_axis(x, indices, axis=None):
    """Pick one element per position along ``axis`` (``indices`` broadcast against ``x``).

    Example:
        >>> take_along_axis([[1, 2], [3, 4]], [[1], [0]], axis=1).tolist()
        [[2], [3]]
    """
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
        return torch.take_along_dim(x, _indices(indices, x.shape[0]).reshape(-1), dim=0)
    axis = canonical_axis(axis, x.dim(), op_name="take_along_axis")
    indices = _indices(indices, x.shape[axis])
    if indices.dim() != x.dim():
        raise ValueError(
            f"take_along_axis: indices (shape {tuple(indices.shape)}) must have the rank of x (shape {tuple(x.shape)})"
        )
    return torch.take_along_dim(x, indices, dim=axis)


def _flat_positions(indices, shape):
    """Rows of N-d ``indices`` (..., k) as flat offsets into ``shape[:k]``."""
    k = indices.shape[-1]
    strides, stride = [], 1
    for size in reversed(shape[:k]):
        strides.append(stride)
        stride *= size
    strides = torch.tensor(strides[::-1], dtype=torch.int64, device=indices.device)
    return (indices.reshape(-1, k) * strides).sum(-1)


def _numel(shape):
    count = 1
    for size in shape:
        count *= size
    return count


@op
def scatter(indices, values, shape):
    """A zeros tensor of ``shape`` with ``values`` added at ``indices`` (rows of coordinates).

    ``indices`` has shape ``(..., k)``: each row addresses ``shape[:k]``; repeated
    rows add up.

    Example:
        >>> scatter([[0, 1], [0, 1]], [1.0, 2.0], (2, 2)).tolist()
        [[0.0, 3.0], [0.0, 0.0]]
    """
    values = to_tensor(values)
    indices = to_tensor(indices).long()
    shape = tuple(int(d) for d in shape)
    k = indices.shape[-1]
    if k > len(shape):
        raise ValueError(f"scatter: index rows of length {k} address more axes than shape={shape} has")
    inner = shape[k:]
    positions = _flat_positions(indices, shape)
    out = torch.zeros((_numel(shape[:k]),) + inner, dtype=values.dtype, device=values.device)
    out = out.index_add(0, positions, values.reshape((-1,) + inner))
    return out.reshape(shape)


@op
def scatter_update(inputs, indices, updates, reduction=None):
    """A copy of ``inputs`` with ``updates`` written at ``indices`` (rows of coordinates).

    ``reduction`` ``None`` overwrites; ``'add'``, ``'max'``, ``'min'``, ``'mul'``
    combine with the existing values.

    Example:
        >>> scatter_update([0.0, 0.0, 0.0], [[2]], [5.0]).tolist()
        [0.0, 0.0, 5.0]
    """
    inputs = to_tensor(inputs)
    indices = to_tensor(indices).long()
    updates = to_tensor(updates, inputs.dtype)
    reduction = check_choice(reduction, (None, "add", "max", "min", "mul"), "reduction", "scatter_update")
    coordinates = tuple(indices.reshape(-1, indices.shape[-1]).unbind(-1))
    k = len(coordinates)
    updates = updates.reshape((-1,) + tuple(inputs.shape[k:]))
    if reduction is None:
        return inputs.index_put(coordinates, updates)
    if reduction == "add":
        return inputs.index_put(coordinates, updates, accumulate=True)
    positions = _flat_positions(indices, inputs.shape)
    flat = inputs.reshape((-1,) + tuple(inputs.shape[k:]))
    mode = {"max": "amax", "min": "amin", "mul": "prod"}[reduction]
    index = positions.reshape((-1,) + (1,) * (flat.dim() - 1)).expand_as(updates)
    return flat.scatter_reduce(0, index, updates, mode, include_self=True).reshape(inputs.shape)


@op
def slice(inputs, start_indices, shape):
    """The block of ``inputs`` starting at ``start_indices`` with size ``shape``.

    Example:
        >>> slice([[1, 2, 3], [4, 5, 6]], (0, 1), (2, 2)).tolist()
        [[2, 3], [5, 6]]
    """
    inputs = to_tensor(inputs)
    if isinstance(start_indices, torch.Tensor):
        start_indices = start_indices.tolist()
    if isinstance(shape, torch.Tensor):
        shape = shape.tolist()
    if len(start_indices) != inputs.dim() or len(shape) != inputs.dim():
        raise ValueError(
            f"slice: start_indices={tuple(start_indices)} and shape={tuple(shape)} need one entry per axis of "
            f"inputs (shape {tuple(inputs.shape)})"
        )
    return inputs[tuple(_builtin_slice(s, s + n) for s, n in zip(start_indices, shape))]


@op
def slice_update(inputs, start_indices, updates):
    """A copy of ``inputs`` with the block at ``start_indices`` replaced by ``updates``.

    Example:
        >>> slice_update([0, 0, 0, 0], (1,), [7, 8]).tolist()
        [0, 7, 8, 0]
    """
    inputs = to_tensor(inputs)
    updates = to_tensor(updates, inputs.dtype)
    if isinstance(start_indices, torch.Tensor):
        start_indices = start_indices.tolist()
    region = tuple(_builtin_slice(s, s + n) for s, n in zip(start_indices, updates.shape))
    outputs = inputs.clone()
    outputs[region] = updates
    return outputs


def _segment(data, segment_ids, num_segments, mode):
    data = to_tensor(data)
    segment_ids = to_tensor(segment_ids).long()
    if num_segments is None:
        num_segments = int(segment_ids.max()) + 1 if segment_ids.numel() else 0  # data-dependent: one sync
    # ids outside [0, num_segments) are dropped, as in Keras: send them to an extra bin
    segment_ids = torch.where((segment_ids < 0) | (segment_ids >= num_segments), num_segments, segment_ids)
    inner = tuple(data.shape[1:])
    index = segment_ids.reshape((-1,) + (1,) * len(inner)).expand(data.shape)
    if mode == "sum":
        out = torch.zeros((num_segments + 1,) + inner, dtype=data.dtype, device=data.device)
        out = out.scatter_add(0, index, data)
    else:
        fill = float("-inf") if data.is_floating_point() else torch.iinfo(data.dtype).min
        out = torch.full((num_segments + 1,) + inner, fill, dtype=data.dtype, device=data.device)
        out = out.scatter_reduce(0, index, data, "amax", include_self=True)
    return out[:num_segments]


@op
def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sum of the rows of ``data`` that share a segment id.

    Example:
        >>> segment_sum([1.0, 2.0, 3.0], [0, 0, 1]).tolist()
        [3.0, 3.0]
    """
    return _segment(data, segment_ids, num_segments, "sum")


@op
def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maximum of the rows of ``data`` that share a segment id (-inf for empty segments).

    Example:
        >>> segment_max([1.0, 2.0, 3.0], [0, 0, 1]).tolist()
        [2.0, 3.0]
    """
    return _segment(data, segment_ids, num_segments, "max")


@op
def top_k(x, k, sorted=True):
    """The ``k`` largest values along the last axis and their indices (int64).

    Example:
        >>> values, indices = top_k([1.0, 3.0, 2.0], 2)
        >>> values.tolist(), indices.tolist()
        ([3.0, 2.0], [1, 2])
    """
    x = to_tensor(x)
    if k > x.shape[-1]:
        raise ValueError(f"top_k: k={k} is larger than the last axis of shape {tuple(x.shape)}")
    result = torch.topk(x, k, sorted=sorted)
    return result.values, result.indices


@op
def in_top_k(targets, predictions, k):
    """True where the target class's score is among the ``k`` largest of its row.

    Example:
        >>> in_top_k([1, 0], [[0.1, 0.9], [0.2, 0.8]], 1).tolist()
        [True, False]
    """
    targets = to_tensor(targets).long()
    predictions = to_tensor(predictions)
    kth = torch.topk(predictions, k).values[..., -1:]
    target_scores = torch.take_along_dim(predictions, targets[:, None], dim=-1)
    return (target_scores >= kth).squeeze(-1)


def unique(x, sorted=True, return_inverse=False, return_counts=False, axis=None):
    """The distinct values of ``x`` (optionally with inverse indices and counts), as NumPy.

    The size of the result depends on the values, so this op works only on
    concrete tensors.

    Example:
        >>> unique([3, 1, 3, 2]).tolist()
        [1, 2, 3]
    """
    x = to_tensor(x)
    return torch.unique(x, sorted=sorted, return_inverse=return_inverse, return_counts=return_counts, dim=axis)


@op
def searchsorted(sorted_sequence, values, side="left"):
    """Where ``values`` would be inserted into the 1-D ``sorted_sequence`` to keep it sorted (int32).

    Example:
        >>> searchsorted([1, 3, 5], [2, 5]).tolist()
        [1, 2]
    """
    sorted_sequence = to_tensor(sorted_sequence)
    side = check_choice(side, ("left", "right"), "side", "searchsorted")
    if sorted_sequence.dim() != 1:
        raise ValueError(f"searchsorted: sorted_sequence must be 1-D; received shape {tuple(sorted_sequence.shape)}")
    values = to_tensor(values)
    return torch.searchsorted(sorted_sequence, values.to(sorted_sequence.dtype), side=side, out_int32=True)


def nonzero(x):
    """The indices of the non-zero elements: an int32 tensor with one row per axis.

    Example:
        >>> nonzero([[0, 3], [4, 0]]).tolist()
        [[0, 1], [1, 0]]
    """
    return torch.nonzero(to_tensor(x)).T.int()


@op
def get_item(x, key):
    """``x[key]``.

    Example:
        >>> get_item([1, 2, 3], 1).item()
        2
    """
    return to_tensor(x)[key]


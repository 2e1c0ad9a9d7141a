"""Keras 2's backend shape functions: concatenate, reshape, flatten, permute, gather, pad, tile, ...

Keras 2 defaults are kept (``concatenate`` joins on the last axis,
``expand_dims`` adds a last axis, ``transpose`` reverses every axis).

Example:
    >>> from lamina import backend as K
    >>> x = torch.ones(2, 3, 4)
    >>> K.int_shape(K.batch_flatten(x)), K.int_shape(K.permute_dimensions(x, (0, 2, 1)))
    ((2, 12), (2, 4, 3))
"""
import torch
import torch.nn.functional as F

from lamina import ops
from lamina.core import config
from lamina.ops.dispatch import op, to_tensor

__all__ = [
    "concatenate", "reshape", "flatten", "batch_flatten", "permute_dimensions", "expand_dims", "squeeze",
    "stack", "transpose", "gather", "one_hot", "tile", "repeat", "repeat_elements", "reverse", "arange",
    "temporal_padding", "spatial_2d_padding", "spatial_3d_padding",
]


def concatenate(tensors, axis=-1):
    """Join tensors along ``axis`` (the last by default).

    Example:
        >>> tuple(concatenate([torch.ones(2, 3), torch.ones(2, 1)]).shape)
        (2, 4)
    """
    return ops.concatenate(list(tensors), axis=axis)


def _size(d):
    return int(d) if isinstance(d, torch.Tensor) else d


@op
def reshape(x, shape):
    """``x`` with a new shape (one size may be ``-1``; sizes may be tensors such as ``K.shape(x)[0]``).

    Example:
        >>> tuple(reshape(torch.ones(2, 6), (-1, 3)).shape)
        (4, 3)
    """
    if isinstance(shape, torch.Tensor):
        shape = shape.tolist()
    return torch.reshape(to_tensor(x), tuple(_size(d) for d in shape))


@op
def flatten(x):
    """All values in one axis.

    Example:
        >>> tuple(flatten(torch.ones(2, 3)).shape)
        (6,)
    """
    return torch.reshape(to_tensor(x), (-1,))


@op
def batch_flatten(x):
    """``(batch, d1, d2, ...)`` to ``(batch, d1 * d2 * ...)``.

    Example:
        >>> tuple(batch_flatten(torch.ones(2, 3, 4)).shape)
        (2, 12)
    """
    x = to_tensor(x)
    return torch.reshape(x, (x.shape[0], -1))


def permute_dimensions(x, pattern):
    """Reorder the axes: ``pattern[i]`` is the input axis that becomes axis ``i``.

    Example:
        >>> tuple(permute_dimensions(torch.ones(2, 3, 4), (2, 0, 1)).shape)
        (4, 2, 3)
    """
    return ops.transpose(x, tuple(pattern))


def expand_dims(x, axis=-1):
    """Insert an axis of size 1 at ``axis`` (the end by default).

    Example:
        >>> tuple(expand_dims(torch.ones(2, 3)).shape)
        (2, 3, 1)
    """
    return ops.expand_dims(x, axis)


def squeeze(x, axis):
    """Remove axis ``axis`` of size 1.

    Example:
        >>> tuple(squeeze(torch.ones(2, 1, 3), 1).shape)
        (2, 3)
    """
    return ops.squeeze(x, axis)


def stack(x, axis=0):
    """Stack a list of same-shaped tensors along a new axis.

    Example:
        >>> tuple(stack([torch.ones(3), torch.ones(3)]).shape)
        (2, 3)
    """
    return ops.stack(list(x), axis=axis)


def transpose(x):
    """Reverse the order of the axes (the matrix transpose for 2-D ``x``).

    Example:
        >>> tuple(transpose(torch.ones(2, 3)).shape)
        (3, 2)
    """
    return ops.transpose(x)


def gather(reference, indices):
    """The rows ``reference[indices]`` (indices into the first axis).

    Example:
        >>> gather(torch.tensor([[1, 2], [3, 4], [5, 6]]), torch.tensor([2, 0])).tolist()
        [[5, 6], [1, 2]]
    """
    return ops.take(reference, indices, axis=0)


def one_hot(indices, num_classes):
    """One-hot encoding of integer ``indices`` on a new last axis of size ``num_classes``.

    Example:
        >>> one_hot(torch.tensor([0, 2]), 3).tolist()
        [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    return ops.one_hot(indices, num_classes)


def tile(x, n):
    """Repeat ``x`` ``n[i]`` times along axis ``i`` (``n`` an int for 1-D ``x``).

    Example:
        >>> tile(torch.tensor([1, 2]), 2).tolist()
        [1, 2, 1, 2]
    """
    return ops.tile(x, (n,) if isinstance(n, int) else tuple(n))


@op
def repeat(x, n):
    """``(batch, features)`` to ``(batch, n, features)``: every sample repeated ``n`` times.

    Example:
        >>> tuple(repeat(torch.ones(2, 3), 4).shape)
        (2, 4, 3)
    """
    x = to_tensor(x)
    if x.dim() != 2:
        raise ValueError(f"K.repeat: x must have rank 2 (batch, features); received shape {tuple(x.shape)}")
    return x.unsqueeze(1).expand(x.shape[0], int(n), x.shape[1])


def repeat_elements(x, rep, axis):
    """Repeat each element ``rep`` times along ``axis`` (``[a, b]`` becomes ``[a, a, b, b]``).

    Example:
        >>> repeat_elements(torch.tensor([1, 2]), 2, 0).tolist()
        [1, 1, 2, 2]
    """
    return ops.repeat(x, rep, axis=axis)


def reverse(x, axes):
    """Reverse ``x`` along ``axes`` (an int or a list of ints).

    Example:
        >>> reverse(torch.tensor([1, 2, 3]), 0).tolist()
        [3, 2, 1]
    """
    return ops.flip(x, axis=axes)


def arange(start, stop=None, step=1, dtype="int32"):
    """``[start, start + step, ...)`` below ``stop`` (``arange(n)`` is ``0 .. n-1``).

    Example:
        >>> arange(3).tolist()
        [0, 1, 2]
    """
    if stop is None:
        start, stop = 0, start
    return ops.arange(start, stop, step, dtype=dtype)


@op
def temporal_padding(x, padding=(1, 1)):
    """Pad the time axis (axis 1) of a ``(batch, time, features)`` tensor with zeros.

    Example:
        >>> tuple(temporal_padding(torch.ones(1, 3, 2), (1, 2)).shape)
        (1, 6, 2)
    """
    x = to_tensor(x)
    if x.dim() != 3:
        raise ValueError(f"K.temporal_padding: x must have rank 3; received shape {tuple(x.shape)}")
    return F.pad(x, (0, 0, int(padding[0]), int(padding[1])))


def _spatial_padding(x, padding, data_format, rank, name):
    x = to_tensor(x)
    if x.dim() != rank + 2 or len(padding) != rank:
        raise ValueError(
            f"K.{name}: x must have rank {rank + 2} and padding {rank} (before, after) pairs; received shape "
            f"{tuple(x.shape)} and padding={padding!r}"
        )
    pads = [(int(a), int(b)) for a, b in padding]
    if config.standardize_data_format(data_format) == "channels_last":
        pads = pads + [(0, 0)]
    flat = [p for pair in reversed(pads) for p in pair]
    return F.pad(x, flat)


@op
def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    """Pad the rows and columns of a batch of images with zeros.

    Example:
        >>> tuple(spatial_2d_padding(torch.ones(1, 2, 2, 3)).shape)
        (1, 4, 4, 3)
    """
    return _spatial_padding(x, padding, data_format, 2, "spatial_2d_padding")


@op
def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    """Pad the three spatial axes of a batch of volumes with zeros.

    Example:
        >>> tuple(spatial_3d_padding(torch.ones(1, 2, 2, 2, 1)).shape)
        (1, 4, 4, 4, 1)
    """
    return _spatial_padding(x, padding, data_format, 3, "spatial_3d_padding")

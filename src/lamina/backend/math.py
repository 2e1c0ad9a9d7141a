"""Keras 2's backend math: reductions, element-wise functions, comparisons and products.

Argument names and defaults are Keras 2's (``axis=None``/``keepdims=False``,
``argmax(x, axis=-1)``, ``clip(x, min_value, max_value)``). Where Keras 2 and
``lamina.ops`` agree the function is ``lamina.ops``'s; the Keras 2 differences
are kept here: ``mean`` of bools is a float, ``sqrt`` clamps negatives to 0,
``clip`` accepts ``max_value=None`` and a maximum below the minimum, ``dot``
and ``batch_dot`` follow the Keras 2 (Theano) conventions. Every function also
takes symbolic tensors.

Example:
    >>> from lamina import backend as K
    >>> x = K.constant([[1.0, 2.0], [3.0, 4.0]])
    >>> K.mean(x, axis=1).tolist(), K.sum(x).item()
    ([1.5, 3.5], 10.0)
"""
import math

import torch

from lamina import ops
from lamina.core.dtypes import to_torch_dtype
from lamina.ops.dispatch import op, to_tensor

__all__ = [
    "sum", "mean", "prod", "max", "min", "std", "var", "any", "all", "logsumexp", "cumsum", "cumprod",
    "argmax", "argmin", "square", "sqrt", "exp", "log", "abs", "sign", "round", "pow", "sin", "cos",
    "clip", "maximum", "minimum", "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
    "dot", "batch_dot", "in_top_k",
]


def _float_if_bool(x):
    x = to_tensor(x)
    return x.to(to_torch_dtype(None)) if x.dtype is torch.bool else x


def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (an int, a list of ints or ``None`` for all axes).

    Example:
        >>> sum(torch.ones(2, 3), axis=1).tolist()
        [3.0, 3.0]
    """
    return ops.sum(x, axis=axis, keepdims=keepdims)


@op
def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``; booleans are averaged as floats (``K.mean(K.equal(a, b))`` is an accuracy).

    Example:
        >>> mean(torch.tensor([True, False, True, True])).item()
        0.75
    """
    return ops.mean(_float_if_bool(x), axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    """Product over ``axis``.

    Example:
        >>> prod(torch.tensor([2.0, 3.0, 4.0])).item()
        24.0
    """
    return ops.prod(x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):
    """Largest value over ``axis``.

    Example:
        >>> max(torch.tensor([[1.0, 5.0], [3.0, 2.0]]), axis=0).tolist()
        [3.0, 5.0]
    """
    return ops.max(x, axis=axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):
    """Smallest value over ``axis``.

    Example:
        >>> min(torch.tensor([[1.0, 5.0], [3.0, 2.0]]), axis=1).tolist()
        [1.0, 2.0]
    """
    return ops.min(x, axis=axis, keepdims=keepdims)


@op
def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis`` (booleans as floats).

    Example:
        >>> std(torch.tensor([1.0, 3.0])).item()
        1.0
    """
    return ops.std(_float_if_bool(x), axis=axis, keepdims=keepdims)


@op
def var(x, axis=None, keepdims=False):
    """Population variance over ``axis`` (booleans as floats).

    Example:
        >>> var(torch.tensor([1.0, 3.0])).item()
        1.0
    """
    return ops.var(_float_if_bool(x), axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    """Logical OR over ``axis`` (non-zero counts as true).

    Example:
        >>> any(torch.tensor([0.0, 2.0])).item()
        True
    """
    return ops.any(x, axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    """Logical AND over ``axis`` (non-zero counts as true).

    Example:
        >>> all(torch.tensor([0.0, 2.0])).item()
        False
    """
    return ops.all(x, axis=axis, keepdims=keepdims)


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed stably.

    Example:
        >>> f"{logsumexp(torch.zeros(2)).item():.4f}"
        '0.6931'
    """
    return ops.logsumexp(x, axis=axis, keepdims=keepdims)


def cumsum(x, axis=0):
    """Cumulative sum along ``axis`` (Keras 2's default is the first axis).

    Example:
        >>> cumsum(torch.tensor([1, 2, 3])).tolist()
        [1, 3, 6]
    """
    return ops.cumsum(x, axis=axis)


def cumprod(x, axis=0):
    """Cumulative product along ``axis``.

    Example:
        >>> cumprod(torch.tensor([1, 2, 3])).tolist()
        [1, 2, 6]
    """
    return ops.cumprod(x, axis=axis)


def argmax(x, axis=-1):
    """Index of the largest value along ``axis`` (the last one by default).

    Example:
        >>> argmax(torch.tensor([[1.0, 5.0], [3.0, 2.0]])).tolist()
        [1, 0]
    """
    return ops.argmax(x, axis=axis)


def argmin(x, axis=-1):
    """Index of the smallest value along ``axis`` (the last one by default).

    Example:
        >>> argmin(torch.tensor([[1.0, 5.0], [3.0, 2.0]])).tolist()
        [0, 1]
    """
    return ops.argmin(x, axis=axis)


def square(x):
    """Element-wise ``x ** 2``.

    Example:
        >>> square(torch.tensor([-2.0])).tolist()
        [4.0]
    """
    return ops.square(x)


@op
def sqrt(x):
    """Element-wise square root; negative inputs are clamped to 0 first (as Keras 2 does).

    Example:
        >>> sqrt(torch.tensor([4.0, -1.0])).tolist()
        [2.0, 0.0]
    """
    x = to_tensor(x)
    if not x.is_floating_point():
        x = x.to(to_torch_dtype(None))
    return torch.sqrt(torch.clamp(x, min=0.0))


def exp(x):
    """Element-wise exponential.

    Example:
        >>> exp(torch.zeros(1)).tolist()
        [1.0]
    """
    return ops.exp(x)


def log(x):
    """Element-wise natural logarithm.

    Example:
        >>> log(torch.ones(1)).tolist()
        [0.0]
    """
    return ops.log(x)


def abs(x):
    """Element-wise absolute value.

    Example:
        >>> abs(torch.tensor([-1.5])).tolist()
        [1.5]
    """
    return ops.abs(x)


def sign(x):
    """Element-wise sign (-1, 0 or 1).

    Example:
        >>> sign(torch.tensor([-3.0, 0.0, 2.0])).tolist()
        [-1.0, 0.0, 1.0]
    """
    return ops.sign(x)


def round(x):
    """Element-wise rounding to the nearest integer, halves to even (``round(2.5) == 2``).

    Example:
        >>> round(torch.tensor([0.4, 2.5, 3.5])).tolist()
        [0.0, 2.0, 4.0]
    """
    return ops.round(x)


def pow(x, a):
    """Element-wise ``x ** a``.

    Example:
        >>> pow(torch.tensor([2.0]), 3).tolist()
        [8.0]
    """
    return ops.power(x, a)


def sin(x):
    """Element-wise sine.

    Example:
        >>> sin(torch.zeros(1)).tolist()
        [0.0]
    """
    return ops.sin(x)


def cos(x):
    """Element-wise cosine.

    Example:
        >>> cos(torch.zeros(1)).tolist()
        [1.0]
    """
    return ops.cos(x)


@op
def clip(x, min_value, max_value):
    """Limit values to ``[min_value, max_value]``; ``max_value=None`` means no upper bound.

    As in Keras 2, a ``max_value`` below ``min_value`` is raised to ``min_value``.

    Example:
        >>> clip(torch.tensor([-1.0, 0.5, 2.0]), 0.0, 1.0).tolist()
        [0.0, 0.5, 1.0]
    """
    if max_value is None:
        max_value = math.inf
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)) and max_value < min_value:
        max_value = min_value
    return ops.clip(x, min_value, max_value)


def maximum(x, y):
    """Element-wise maximum of two tensors.

    Example:
        >>> maximum(torch.tensor([1.0, 4.0]), torch.tensor([3.0, 2.0])).tolist()
        [3.0, 4.0]
    """
    return ops.maximum(x, y)


def minimum(x, y):
    """Element-wise minimum of two tensors.

    Example:
        >>> minimum(torch.tensor([1.0, 4.0]), torch.tensor([3.0, 2.0])).tolist()
        [1.0, 2.0]
    """
    return ops.minimum(x, y)


def equal(x, y):
    """Element-wise ``x == y`` (a boolean tensor).

    Example:
        >>> equal(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0])).tolist()
        [True, False]
    """
    return ops.equal(x, y)


def not_equal(x, y):
    """Element-wise ``x != y``.

    Example:
        >>> not_equal(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0])).tolist()
        [False, True]
    """
    return ops.not_equal(x, y)


def greater(x, y):
    """Element-wise ``x > y``.

    Example:
        >>> greater(torch.tensor([1.0, 2.0]), 1.5).tolist()
        [False, True]
    """
    return ops.greater(x, y)


def greater_equal(x, y):
    """Element-wise ``x >= y``.

    Example:
        >>> greater_equal(torch.tensor([1.0, 2.0]), 2.0).tolist()
        [False, True]
    """
    return ops.greater_equal(x, y)


def less(x, y):
    """Element-wise ``x < y``.

    Example:
        >>> less(torch.tensor([1.0, 2.0]), 1.5).tolist()
        [True, False]
    """
    return ops.less(x, y)


def less_equal(x, y):
    """Element-wise ``x <= y``.

    Example:
        >>> less_equal(torch.tensor([1.0, 2.0]), 1.0).tolist()
        [True, False]
    """
    return ops.less_equal(x, y)


@op
def dot(x, y):
    """Keras 2's ``dot``: contracts the last axis of ``x`` with the second-to-last axis of ``y``.

    For 2-D inputs this is the matrix product; ``(2, 3, 4) . (4, 5)`` is ``(2, 3, 5)``
    and ``(2, 3) . (4, 3, 5)`` is ``(2, 4, 5)``.

    Example:
        >>> tuple(dot(torch.ones(2, 3), torch.ones(4, 3, 5)).shape)
        (2, 4, 5)
    """
    x, y = to_tensor(x), to_tensor(y)
    if x.dim() == 0 or y.dim() == 0:
        return x * y
    y_axis = 0 if y.dim() == 1 else y.dim() - 2
    if x.shape[-1] != y.shape[y_axis]:
        raise ValueError(
            f"K.dot: the last axis of x (shape {tuple(x.shape)}) must match axis {y_axis} of y "
            f"(shape {tuple(y.shape)})"
        )
    if x.dtype != y.dtype:
        dtype = torch.promote_types(x.dtype, y.dtype)
        x, y = x.to(dtype), y.to(dtype)
    return torch.tensordot(x, y, dims=([x.dim() - 1], [y_axis]))


def _batch_dot_axes(axes, x_ndim, y_ndim):
    if axes is None:
        axes = (x_ndim - 1, y_ndim - 1 if y_ndim == 2 else y_ndim - 2)
    elif isinstance(axes, int):
        axes = (axes, axes)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"K.batch_dot: axes must be an int or a pair of ints; received axes={axes!r}")
    result = []
    for axis, ndim, name in zip(axes, (x_ndim, y_ndim), ("x", "y")):
        axis = axis + ndim if axis < 0 else axis
        if not 1 <= axis < ndim:
            raise ValueError(
                f"K.batch_dot: axes={axes!r} is invalid for {name} of rank {ndim}: the axis must be a "
                "non-batch axis (1 to rank - 1)"
            )
        result.append(axis)
    return result


@op
def batch_dot(x, y, axes=None):
    """Per-sample dot product of batches ``x`` and ``y`` (both with the batch on axis 0).

    ``axes`` names the axis of ``x`` and of ``y`` that are summed over (by default
    the last axis of ``x`` and the second-to-last of ``y``, or its last if ``y`` is
    2-D). The result has the remaining axes of ``x`` then those of ``y``; a result
    of rank 1 gets a trailing axis of size 1, as in Keras 2.

    Example:
        >>> tuple(batch_dot(torch.ones(32, 20), torch.ones(32, 20), axes=1).shape)
        (32, 1)
        >>> tuple(batch_dot(torch.ones(32, 20, 1), torch.ones(32, 30, 20), axes=(1, 2)).shape)
        (32, 1, 30)
    """
    x, y = to_tensor(x), to_tensor(y)
    if x.dim() < 2 or y.dim() < 2:
        raise ValueError(
            f"K.batch_dot: x and y need rank 2 or more (a batch axis and a feature axis); received shapes "
            f"{tuple(x.shape)} and {tuple(y.shape)}"
        )
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"K.batch_dot: x and y must have the same batch size; received shapes {tuple(x.shape)} and "
            f"{tuple(y.shape)}"
        )
    x_axis, y_axis = _batch_dot_axes(axes, x.dim(), y.dim())
    if x.shape[x_axis] != y.shape[y_axis]:
        raise ValueError(
            f"K.batch_dot: cannot sum over axis {x_axis} of x (shape {tuple(x.shape)}) and axis {y_axis} of y "
            f"(shape {tuple(y.shape)}): their sizes differ"
        )
    if x.dtype != y.dtype:
        dtype = torch.promote_types(x.dtype, y.dtype)
        x, y = x.to(dtype), y.to(dtype)
    batch, depth = x.shape[0], x.shape[x_axis]
    x_moved = torch.movedim(x, x_axis, -1)
    y_moved = torch.movedim(y, y_axis, 1)
    x_rest, y_rest = x_moved.shape[1:-1], y_moved.shape[2:]
    out = torch.bmm(x_moved.reshape(batch, -1, depth), y_moved.reshape(batch, depth, -1))
    out = out.reshape((batch,) + tuple(x_rest) + tuple(y_rest))
    if out.dim() == 1:
        out = out.unsqueeze(-1)
    return out


@op
def in_top_k(predictions, targets, k):
    """True where the target class is among the ``k`` largest predictions of its row.

    Example:
        >>> in_top_k(torch.tensor([[0.1, 0.7, 0.2]]), torch.tensor([2]), 2).tolist()
        [True]
    """
    return ops.in_top_k(targets, predictions, k)

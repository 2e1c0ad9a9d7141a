"""Ops that make new tensors: zeros, ones, full, arange, linspace, eye, diag, triu, ...

New tensors live on lamina's device; ``dtype=None`` means ``floatx()`` for
float-valued constructors and Keras's rules (Python int -> int32) for ``arange``.

Example:
    >>> arange(3).tolist(), arange(3).dtype
    ([0, 1, 2], torch.int32)
    >>> eye(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
"""
import torch

from lamina.core import config
from lamina.core.dtypes import to_torch_dtype
from lamina.ops.dispatch import op, to_tensor
from lamina.ops.promotion import python_dtype, result_type

__all__ = [
    "zeros", "ones", "zeros_like", "ones_like", "full", "full_like", "empty", "arange", "linspace", "eye",
    "identity", "tri", "diag", "diagonal", "triu", "tril",
]


def _shape(shape):
    if isinstance(shape, torch.Tensor):
        shape = shape.tolist()
    if isinstance(shape, int):
        return (shape,)
    return tuple(int(d) for d in shape)


def zeros(shape, dtype=None):
    """A tensor of zeros (``floatx()`` unless ``dtype`` says otherwise).

    Example:
        >>> zeros((2,)).tolist()
        [0.0, 0.0]
    """
    return torch.zeros(_shape(shape), dtype=to_torch_dtype(dtype), device=config.device())


def ones(shape, dtype=None):
    """A tensor of ones (``floatx()`` unless ``dtype`` says otherwise).

    Example:
        >>> ones((2,), dtype="int32").tolist()
        [1, 1]
    """
    return torch.ones(_shape(shape), dtype=to_torch_dtype(dtype), device=config.device())


def empty(shape, dtype=None):
    """An uninitialised tensor (``floatx()`` unless ``dtype`` says otherwise).

    Example:
        >>> empty((2, 3)).shape
        torch.Size([2, 3])
    """
    return torch.empty(_shape(shape), dtype=to_torch_dtype(dtype), device=config.device())


@op
def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype, unless given) of ``x``.

    Example:
        >>> zeros_like([1, 2]).tolist()
        [0, 0]
    """
    x = to_tensor(x)
    return torch.zeros_like(x, dtype=None if dtype is None else to_torch_dtype(dtype))


@op
def ones_like(x, dtype=None):
    """Ones with the shape (and dtype, unless given) of ``x``.

    Example:
        >>> ones_like([1.5]).tolist()
        [1.0]
    """
    x = to_tensor(x)
    return torch.ones_like(x, dtype=None if dtype is None else to_torch_dtype(dtype))


def full(shape, fill_value, dtype=None):
    """A tensor of ``shape`` filled with ``fill_value`` (a number, or a tensor broadcast to ``shape``).

    The dtype is ``dtype``, else ``floatx()`` (as Keras, whatever the fill value's type).

    Example:
        >>> full((2,), 7).tolist()
        [7.0, 7.0]
    """
    shape = _shape(shape)
    dtype = to_torch_dtype(dtype)
    if isinstance(fill_value, (bool, int, float)):
        return torch.full(shape, fill_value, dtype=dtype, device=config.device())
    return to_tensor(fill_value, dtype).to(config.device()).expand(shape).clone()


@op
def full_like(x, fill_value, dtype=None):
    """A tensor shaped like ``x`` filled with ``fill_value`` (``x``'s dtype unless ``dtype`` is given).

    Example:
        >>> full_like([1.0, 2.0], 3).tolist()
        [3.0, 3.0]
    """
    x = to_tensor(x)
    return full(x.shape, fill_value, dtype=x.dtype if dtype is None else dtype)


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)``; ``arange(n)`` counts from 0.

    Without ``dtype``: int32 for Python ints, ``floatx()`` if any bound is a float.

    Example:
        >>> arange(1, 7, 2).tolist()
        [1, 3, 5]
    """
    if dtype is None:
        dtype = result_type(*(python_dtype(v) for v in (start, stop, step) if v is not None))
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    if step == 0:
        raise ValueError("arange: step must not be 0")
    return torch.arange(start, stop, step, dtype=to_torch_dtype(dtype), device=config.device())


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (inclusive unless ``endpoint=False``).

    ``start``/``stop`` may be arrays: the result then has a new axis ``axis``.

    Example:
        >>> linspace(0, 1, 5).tolist()
        [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    if not isinstance(start, (int, float)):
        start = to_tensor(start)
    if not isinstance(stop, (int, float)):
        stop = to_tensor(stop)
    if dtype is None:
        dtype = result_type(python_dtype(start), python_dtype(stop), float)
    dtype = to_torch_dtype(dtype)
    compute = dtype if dtype.is_floating_point else to_torch_dtype(None)
    start_t = to_tensor(start, compute)
    stop_t = to_tensor(stop, compute)
    divisions = (num - 1) if endpoint else num
    span = stop_t - start_t
    step = span / divisions if divisions > 0 else torch.full_like(span, float("nan"))
    fractions = torch.arange(num, dtype=compute, device=config.device()) / max(divisions, 1)
    values = start_t + fractions.reshape([num] + [1] * span.dim()) * span
    if values.dim() > 1 and axis != 0:
        values = torch.moveaxis(values, 0, axis)
    values = values.to(dtype) if dtype.is_floating_point else torch.floor(values).to(dtype)
    return (values, step) if retstep else values


def eye(N, M=None, k=0, dtype=None):
    """A 2-D tensor with ones on the ``k``-th diagonal and zeros elsewhere.

    Example:
        >>> eye(2, 3, k=1).tolist()
        [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    M = N if M is None else M
    dtype = to_torch_dtype(dtype)
    if k == 0:
        return torch.eye(N, M, dtype=dtype, device=config.device())
    return torch.ones(N, M, dtype=dtype, device=config.device()).triu(k).tril(k)


def identity(n, dtype=None):
    """The ``n`` x ``n`` identity matrix.

    Example:
        >>> identity(2).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """Ones at and below the ``k``-th diagonal, zeros above.

    Example:
        >>> tri(2).tolist()
        [[1.0, 0.0], [1.0, 1.0]]
    """
    M = N if M is None else M
    return torch.ones(N, M, dtype=to_torch_dtype(dtype), device=config.device()).tril(k)


@op
def diag(x, k=0):
    """The ``k``-th diagonal of a matrix, or a matrix with vector ``x`` on that diagonal.

    Example:
        >>> diag([1, 2]).tolist()
        [[1, 0], [0, 2]]
    """
    x = to_tensor(x)
    if x.dim() not in (1, 2):
        raise ValueError(f"diag: x must be 1-D or 2-D; received shape {tuple(x.shape)}")
    return torch.diag(x, diagonal=k)


@op
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of the matrices formed by ``axis1`` and ``axis2`` (moved to the last axis).

    Example:
        >>> diagonal([[1, 2], [3, 4]]).tolist()
        [1, 4]
    """
    return torch.diagonal(to_tensor(x), offset=offset, dim1=axis1, dim2=axis2)


@op
def triu(x, k=0):
    """``x`` with the elements below the ``k``-th diagonal zeroed.

    Example:
        >>> triu([[1, 2], [3, 4]]).tolist()
        [[1, 2], [0, 4]]
    """
    return torch.triu(to_tensor(x), diagonal=k)


@op
def tril(x, k=0):
    """``x`` with the elements above the ``k``-th diagonal zeroed.

    Example:
        >>> tril([[1, 2], [3, 4]]).tolist()
        [[1, 0], [3, 4]]
    """
    return torch.tril(to_tensor(x), diagonal=k)

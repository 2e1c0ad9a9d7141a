"""Reductions and scans: sum, mean, max, argmax, sort, cumsum, ...

``axis`` is ``None`` (all axes), an int, or a tuple of ints; ``axis=()`` reduces
nothing (NumPy's meaning, not torch's). Result dtypes follow Keras: sums of
small integers and bools are int32, means of integers are float32, indices are
int32.

Example:
    >>> sum([[1, 2], [3, 4]], axis=0).tolist()
    [4, 6]
    >>> mean([1, 2]).item(), mean([1, 2]).dtype
    (1.5, torch.float32)
"""
import torch

from lamina.core.dtypes import to_torch_dtype
from lamina.ops.dispatch import axis_tuple, canonical_axis, op, to_tensor

__all__ = [
    "sum", "mean", "max", "min", "amax", "amin", "prod", "std", "var", "argmax", "argmin", "argsort", "sort",
    "all", "any", "cumsum", "cumprod", "logsumexp", "count_nonzero",
]

_SMALL_INTS = frozenset((torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32))
_LOW_PRECISION = frozenset((torch.float16, torch.bfloat16))


def _dims(axis):
    """Keras ``axis`` as torch ``dim``: ``None`` for all; ``()`` is handled by callers."""
    return None if axis is None else axis_tuple(axis)


def _sum_dtype(dtype):
    return torch.int32 if dtype in _SMALL_INTS else dtype


@op
def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (bools and ints up to int32 sum to int32).

    Example:
        >>> sum([[1.0, 2.0], [3.0, 4.0]], axis=1).tolist()
        [3.0, 7.0]
    """
    if isinstance(x, (list, tuple)) and x and isinstance(x[0], torch.Tensor):
        x = torch.stack(x)
    x = to_tensor(x)
    dims = _dims(axis)
    if dims == ():
        return x
    return torch.sum(x, dim=dims, keepdim=keepdims, dtype=_sum_dtype(x.dtype))


@op
def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over ``axis`` (integer inputs give float32; float16 accumulates in float32).

    Example:
        >>> mean([[1, 2], [3, 4]], axis=0).tolist()
        [2.0, 3.0]
    """
    if isinstance(x, (list, tuple)) and x and isinstance(x[0], torch.Tensor):
        x = torch.stack(x)
    x = to_tensor(x)
    dims = _dims(axis)
    if dims == ():
        return x
    if x.dtype in _LOW_PRECISION:
        return torch.mean(x, dim=dims, keepdim=keepdims, dtype=torch.float32).to(x.dtype)
    if not (x.is_floating_point() or x.is_complex()):
        return torch.mean(x.to(torch.float32), dim=dims, keepdim=keepdims)
    return torch.mean(x, dim=dims, keepdim=keepdims)


def _extreme(torch_fn, compare, x, axis, keepdims, initial, name):
    x = to_tensor(x)
    dims = _dims(axis)
    if dims == ():
        result = x
    elif x.numel() == 0:
        if initial is None:
            raise ValueError(f"{name}: cannot reduce an empty tensor (shape {tuple(x.shape)}) without `initial`")
        shape = [1] * x.dim() if keepdims else []
        return torch.full(shape, initial, dtype=x.dtype, device=x.device)
    else:
        result = torch_fn(x, dim=dims, keepdim=keepdims)
    if initial is not None:
        result = compare(result, torch.tensor(initial, dtype=result.dtype, device=result.device))
    return result


@op
def max(x, axis=None, keepdims=False, initial=None):
    """Largest value over ``axis``; ``initial`` is a lower bound included in the comparison.

    Example:
        >>> max([[1, 5], [3, 2]], axis=1).tolist()
        [5, 3]
    """
    return _extreme(torch.amax, torch.maximum, x, axis, keepdims, initial, "max")


@op
def min(x, axis=None, keepdims=False, initial=None):
    """Smallest value over ``axis``; ``initial`` is an upper bound included in the comparison.

    Example:
        >>> min([[1, 5], [3, 2]], axis=1).tolist()
        [1, 2]
    """
    return _extreme(torch.amin, torch.minimum, x, axis, keepdims, initial, "min")


@op
def amax(x, axis=None, keepdims=False):
    """The same as :func:`max` without ``initial``.

    Example:
        >>> amax([1, 3, 2]).item()
        3
    """
    return _extreme(torch.amax, None, x, axis, keepdims, None, "amax")


@op
def amin(x, axis=None, keepdims=False):
    """The same as :func:`min` without ``initial``.

    Example:
        >>> amin([1, 3, 2]).item()
        1
    """
    return _extreme(torch.amin, None, x, axis, keepdims, None, "amin")


@op
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis`` (bools and ints up to int32 multiply as int32).

    Example:
        >>> prod([[1, 2], [3, 4]], axis=0).tolist()
        [3, 8]
    """
    x = to_tensor(x)
    out_dtype = _sum_dtype(x.dtype) if dtype is None else to_torch_dtype(dtype)
    compute = torch.float32 if out_dtype is torch.float16 else out_dtype
    if axis is None:
        return torch.prod(x, dtype=compute).to(out_dtype)
    for dim in sorted((canonical_axis(a, x.dim(), op_name="prod") for a in axis_tuple(axis)), reverse=True):
        x = torch.prod(x, dim=dim, keepdim=keepdims, dtype=compute)
    return x.to(out_dtype)


def _moment_input(x):
    x = to_tensor(x)
    if x.is_floating_point() or x.is_complex():
        return x, x.dtype
    return x.to(torch.float32), torch.float32


@op
def var(x, axis=None, keepdims=False):
    """Population variance (no Bessel correction, as NumPy) over ``axis``.

    Example:
        >>> var([1.0, 3.0]).item()
        1.0
    """
    x, dtype = _moment_input(x)
    dims = _dims(axis)
    if dims == ():
        return torch.zeros_like(x)
    if dtype in _LOW_PRECISION:
        x = x.float()
    return torch.var(x, dim=dims, keepdim=keepdims, correction=0).to(dtype)


@op
def std(x, axis=None, keepdims=False):
    """Population standard deviation (no Bessel correction, as NumPy) over ``axis``.

    Example:
        >>> std([1.0, 3.0]).item()
        1.0
    """
    x, dtype = _moment_input(x)
    dims = _dims(axis)
    if dims == ():
        return torch.zeros_like(x)
    if dtype in _LOW_PRECISION:
        x = x.float()
    return torch.std(x, dim=dims, keepdim=keepdims, correction=0).to(dtype)


def _index_input(x):
    x = to_tensor(x)
    return x.to(torch.uint8) if x.dtype is torch.bool else x


@op
def argmax(x, axis=None, keepdims=False):
    """Index of the largest value along ``axis`` (of the flattened tensor if ``None``), as int32.

    Example:
        >>> argmax([[1, 5], [3, 2]], axis=1).tolist()
        [1, 0]
    """
    return torch.argmax(_index_input(x), dim=axis, keepdim=keepdims).to(torch.int32)


@op
def argmin(x, axis=None, keepdims=False):
    """Index of the smallest value along ``axis`` (of the flattened tensor if ``None``), as int32.

    Example:
        >>> argmin([[1, 5], [3, 2]], axis=1).tolist()
        [0, 1]
    """
    return torch.argmin(_index_input(x), dim=axis, keepdim=keepdims).to(torch.int32)


@op
def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis`` (stable; flattened if ``None``), as int32.

    Example:
        >>> argsort([3, 1, 2]).tolist()
        [1, 2, 0]
    """
    x = _index_input(x)
    if axis is None:
        x, axis = x.reshape(-1), -1
    if x.dim() == 0:
        return torch.zeros((), dtype=torch.int32, device=x.device)
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


@op
def sort(x, axis=-1):
    """``x`` sorted ascending along ``axis`` (flattened if ``None``).

    Example:
        >>> sort([3, 1, 2]).tolist()
        [1, 2, 3]
    """
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if x.dim() == 0:
        return x
    return torch.sort(x, dim=axis).values


def _truth(torch_fn, x, axis, keepdims):
    x = to_tensor(x)
    dims = _dims(axis)
    if dims == ():
        return x.bool()
    out = torch_fn(x, dim=dims, keepdim=keepdims)
    return out if out.dtype is torch.bool else out.bool()


@op
def all(x, axis=None, keepdims=False):
    """True if every element along ``axis`` is non-zero.

    Example:
        >>> all([[True, False], [True, True]], axis=1).tolist()
        [False, True]
    """
    return _truth(torch.all, x, axis, keepdims)


@op
def any(x, axis=None, keepdims=False):
    """True if some element along ``axis`` is non-zero.

    Example:
        >>> any([[True, False], [False, False]], axis=1).tolist()
        [True, False]
    """
    return _truth(torch.any, x, axis, keepdims)


def _scan(torch_fn, x, axis, dtype):
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    out_dtype = x.dtype if dtype is None else to_torch_dtype(dtype)
    if out_dtype is torch.bool:
        out_dtype = torch.int32
    if out_dtype is torch.float16:
        return torch_fn(x, dim=axis, dtype=torch.float32).to(out_dtype)
    return torch_fn(x, dim=axis, dtype=out_dtype)


@op
def cumsum(x, axis=None, dtype=None):
    """Running sum along ``axis`` (of the flattened tensor if ``None``).

    Example:
        >>> cumsum([1, 2, 3]).tolist()
        [1, 3, 6]
    """
    return _scan(torch.cumsum, x, axis, dtype)


@op
def cumprod(x, axis=None, dtype=None):
    """Running product along ``axis`` (of the flattened tensor if ``None``).

    Example:
        >>> cumprod([1, 2, 3]).tolist()
        [1, 2, 6]
    """
    return _scan(torch.cumprod, x, axis, dtype)


@op
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed without overflow.

    Example:
        >>> round(logsumexp([0.0, 0.0]).item(), 4)  # log(2)
        0.6931
    """
    x = to_tensor(x)
    dims = tuple(range(x.dim())) if axis is None else axis_tuple(axis)
    return torch.logsumexp(x, dim=dims, keepdim=keepdims)


@op
def count_nonzero(x, axis=None):
    """Number of non-zero elements along ``axis``, as int32.

    Example:
        >>> count_nonzero([[0, 1], [2, 3]], axis=1).tolist()
        [1, 2]
    """
    x = to_tensor(x)
    dims = _dims(axis)
    if dims == ():
        return torch.ne(x, 0).int()
    return torch.count_nonzero(x, dim=dims).int()

